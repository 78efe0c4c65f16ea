/**
 * Where letters go. A transport sends one composed letter and answers with the server's
 * reply, or throws a SendFailure that says whether trying again can help.
 */

export interface OutgoingLetter {
  /** The outbox id; the .eml transport names its file by it. */
  id: string;
  messageId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Transport {
  /** Recorded on each letter handed over ('eml:/path' or 'smtp://host:port'), for crash recovery. */
  readonly name: string;
  /** For people: where letters go, without secrets. */
  readonly description: string;
  readonly from: string;
  /** How many letters to have in flight at once: as many as it can hand over at once, no more. */
  readonly concurrency: number;
  /**
   * Whether what became of a letter can be told afterwards from what the transport left (an
   * .eml file named by the letter): a letter found 'sending' after a crash is settled by that
   * proof, so its claim need not reach the disk before the letter goes.
   */
  readonly leavesProof?: boolean;
  /** At most this many letters a second (undefined: no limit): the sender waits before taking the next. */
  readonly perSecond?: number | undefined;
  /**
   * Sends one letter; returns the server's reply. With `ready`, the letter may start on its
   * way at once, but the server must not have it whole before `ready` resolves (its claim is
   * then on the disk); when `ready` rejects, the letter is not handed over.
   */
  send(letter: OutgoingLetter, ready?: Promise<void>): Promise<string>;
  /** Removes what an interrupted earlier run left behind (half-written files); called before a run. */
  tidy?(): void;
  close(): Promise<void>;
}

/**
 * temporary: a 4xx answer, a refused or lost connection, a timeout before the message was
 * whole with the server: retried, then left pending.
 * permanent: a 5xx answer about this letter: recorded as failed with the reply.
 * fatal: the transport itself is unusable (authentication, TLS, configuration): the run stops
 * and every letter it had not sent stays pending.
 * uncertain: the server had the whole message and never answered (a timeout, a dropped
 * connection): it may have been delivered; never tried again on its own.
 */
export type FailureKind = 'temporary' | 'permanent' | 'fatal' | 'uncertain';

export class SendFailure extends Error {
  constructor(readonly kind: FailureKind, readonly reply: string) {
    super(reply);
    this.name = 'SendFailure';
  }
}

/** The header naming the letter's outbox id. */
export const LETTER_HEADER = 'X-Alma-Users-Letter';

/** Headers every letter carries: an automatic message, so auto-responders stay quiet (RFC 3834). */
export function letterHeaders(letter: OutgoingLetter): Record<string, string> {
  return { 'Auto-Submitted': 'auto-generated', [LETTER_HEADER]: letter.id };
}
