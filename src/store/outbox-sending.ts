import type { Db } from './db.js';
import { CommitSync } from './outbox-durable.js';
import { KeyFlusher, openBodies, shredLetterKeysSoon, syncLetterKeys } from './outbox-secrets.js';
import { ERASE_BODY, ERASE_SECRET_BODY, move, RELEASE } from './outbox-states.js';

/**
 * A sending run's moves of a letter (the state machine is outbox-states.ts): claimed
 * (pending -> sending, its sealed body opened), then sent, put back for later, failed or
 * uncertain; the keys of the password letters that ended shredded once their moves are on
 * the disk, and those moves forced to the disk by one fsync for many commits.
 */

/** A letter claimed for sending, with what the transport needs. */
export interface ClaimedLetter {
  id: string;
  message_id: string;
  primary_id: string;
  recipient: string;
  subject: string;
  /** Opened when sealed; undefined when its key is gone (only a new password can go in its place). */
  body_text: string | null | undefined;
  body_html: string | null | undefined;
}

interface ClaimedRow extends ClaimedLetter {
  slot: number;
  carries_password: number;
}

/** Who claims a letter: the process (host:pid and boot, for crash recovery) and the transport's name. */
export interface Claimer {
  by: string;
  boot: string | null;
  transport: string;
}

/**
 * A letter is sent only while this holds: it carries no password, it predates the snapshot
 * (migration 013), or its password is still its user's and the user is internal.
 */
const PASSWORD_CURRENT = `(carries_password = 0 OR password_hash IS NULL OR EXISTS (SELECT 1 FROM users u
  WHERE u.id = outbox.user_id AND u.password_hash = outbox.password_hash AND u.account_type = 'INTERNAL'))`;

const STALE_REPLY = 'not sent: the temporary password in it is no longer the user\'s (reset again since, or the account is no longer internal)';

/** The least time between two fsyncs of the shredded keys in a sending run. */
const KEY_FLUSH_GAP_MS = 20;

/** The moves of a sending run, prepared once: the run makes them for every letter. */
export class SendingMoves {
  private readonly staleStmt;
  private readonly claimStmt;
  private readonly sentStmt;
  private readonly laterStmt;
  private readonly failedStmt;
  private readonly uncertainStmt;
  /** The key slots of the password letters this run claimed, by letter id. */
  private readonly slots = new Map<string, number>();
  private readonly toShred: number[] = [];
  /** The background fsync of the shredded keys, while one runs; `again`: more were shredded meanwhile. */
  private flushing: Promise<void> | undefined;
  private again = false;
  /** Ends the rest between two flushes (finish). */
  private wake: (() => void) | undefined;
  private finishing = false;
  private flushFailure: unknown;
  private readonly commits;
  private readonly keys;

  constructor(private readonly db: Db) {
    this.staleStmt = move(db, ['pending'], 'discarded', `${ERASE_BODY}, next_attempt_at = NULL, updated_at = ?, last_reply = ?`,
      `id = ? AND NOT ${PASSWORD_CURRENT}`, 'RETURNING rowid AS slot');
    this.claimStmt = move(db, ['pending'], 'sending', 'attempts = attempts + 1, claimed_by = ?, claimed_boot = ?, transport = ?, updated_at = ?, next_attempt_at = NULL',
      `id = ? AND ${PASSWORD_CURRENT}`, 'RETURNING id, message_id, primary_id, recipient, subject, body_text, body_html, rowid AS slot, carries_password');
    this.sentStmt = move(db, ['sending'], 'sent', `sent_at = ?, updated_at = ?, last_reply = ?, ${ERASE_BODY}, ${RELEASE}`);
    this.laterStmt = move(db, ['sending'], 'pending', `updated_at = ?, last_reply = ?, next_attempt_at = ?, ${RELEASE}`);
    this.failedStmt = move(db, ['sending'], 'failed', `updated_at = ?, last_reply = ?, ${RELEASE}, ${ERASE_SECRET_BODY}`);
    this.uncertainStmt = move(db, ['sending'], 'uncertain', `updated_at = ?, last_reply = ?, ${RELEASE}, ${ERASE_SECRET_BODY}`);
    this.commits = new CommitSync(db);
    this.keys = new KeyFlusher(db);
    // The keys of letters sealed so far reach the disk before any of them leaves.
    syncLetterKeys(db);
  }

  /**
   * pending -> discarded when the letter's temporary password is no longer its user's (asked
   * when claim() did not take it, so a letter sent as usual costs no second statement): reset
   * again since (a later job, users reset-password, an import), the account made external, or
   * the user gone. Sent, it would give the user a dead password, perhaps after the live one.
   * Its key is shredded with those of the letters that ended. Whether it was discarded.
   */
  superseded(id: string, at: string): boolean {
    const row = this.staleStmt.get(at, STALE_REPLY, id) as { slot: number } | undefined;
    if (row) this.toShred.push(row.slot);
    return row !== undefined;
  }

  /**
   * pending -> sending; undefined when the letter is no longer pending (another process took
   * it) or its password is no longer its user's (superseded() then discards it).
   */
  claim(id: string, claimer: Claimer, at: string): ClaimedLetter | undefined {
    const row = this.claimStmt.get(claimer.by, claimer.boot, claimer.transport, at, id) as ClaimedRow | undefined;
    if (!row) return undefined;
    const { slot, carries_password, ...letter } = row;
    if (carries_password !== 1) return letter;
    this.slots.set(id, slot);
    const [body_text, body_html] = openBodies(this.db, slot, [letter.body_text ?? null, letter.body_html ?? null]);
    return { ...letter, body_text, body_html };
  }

  /** The key slots of the letters that ended since the last call: to shred once their moves are on the disk. */
  ended(): number[] {
    return this.toShred.splice(0);
  }

  /**
   * Overwrites these keys (ended()); called once the moves that ended their letters are
   * durable. The zeros are in the file at once; they reach the disk in the background, one
   * fsync for however many calls came meanwhile (finish() waits for the last).
   */
  shred(slots: number[]): void {
    if (!shredLetterKeysSoon(this.db, slots)) return;
    this.again = true;
    this.flushing ??= (async () => {
      while (this.again) {
        this.again = false;
        const started = Date.now();
        await this.keys.flush();
        // The zeros are in the file already: one fsync every few milliseconds is enough, not
        // one a letter (a thread's work each); finish() cuts the rest short.
        const rest = KEY_FLUSH_GAP_MS - (Date.now() - started);
        if (this.again && rest > 0 && !this.finishing) await new Promise<void>((wake) => { this.wake = wake; setTimeout(wake, rest); });
        this.wake = undefined;
      }
    })().catch((e: unknown) => { this.flushFailure ??= e; }).finally(() => { this.flushing = undefined; });
  }

  /** Resolves when every move committed so far is on the disk (group commit: outbox-durable.ts). */
  durable(): Promise<void> {
    return this.commits.sync();
  }

  /** The end of the run: resolves when every key shredded so far is overwritten on the disk; throws what stopped that. */
  async finish(): Promise<void> {
    this.commits.close();
    this.finishing = true;
    this.wake?.();
    while (this.flushing) await this.flushing;
    this.keys.close();
    if (this.flushFailure !== undefined) throw this.flushFailure;
  }

  private done(id: string): void {
    const slot = this.slots.get(id);
    if (slot === undefined) return;
    this.slots.delete(id);
    this.toShred.push(slot);
  }

  /** sending -> sent: the body is erased with it. */
  sent(id: string, at: string, reply: string): void {
    this.sentStmt.run(at, at, reply, id);
    this.done(id);
  }

  /** sending -> uncertain: the server had the whole letter and never answered; a password letter's body is erased. */
  uncertain(id: string, at: string, reply: string): void {
    this.uncertainStmt.run(at, reply, id);
    this.done(id);
  }

  /** sending -> pending: a temporary failure, tried again at `nextAttemptAt` (or whenever, if null). */
  later(id: string, at: string, reply: string, nextAttemptAt: string | null): void {
    this.laterStmt.run(at, reply, nextAttemptAt, id);
  }

  /** sending -> failed: refused for good; a password letter's body is erased. */
  failed(id: string, at: string, reply: string): void {
    this.failedStmt.run(at, reply, id);
    this.done(id);
  }
}
