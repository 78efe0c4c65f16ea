import type { Db } from './db.js';
import { CommitSync } from './outbox-durable.js';
import { KeyFlusher, openBodies, sealerFor, shredLetterKeys, shredLetterKeysSoon, syncLetterKeys, truncateWal } from './outbox-secrets.js';

/**
 * The outbox's state machine: a letter's statuses, which status may follow which, and
 * every statement that moves a letter from one to another. Each UPDATE names the statuses
 * it may start from, checked against NEXT when it is prepared, so a move the table does
 * not allow cannot be written, and a letter another process moved meanwhile is left alone.
 *
 *   (queued) -> pending | suppressed
 *   pending  -> sending (a connection took it) | discarded
 *   sending  -> sent | pending (a definite temporary failure: retry later) | failed (5xx)
 *               | uncertain (the server had it and never answered, or its sender died meanwhile)
 *   uncertain -> pending (job resume, mail retry: once, without a password, same Message-ID;
 *                mail retry --uncertain: on purpose) | discarded
 *   failed   -> pending (mail retry --failed) | discarded
 *   sent, suppressed, discarded: final
 *
 * A password letter's key (outbox-secrets.ts) is shredded with every move that ends what its
 * body was for: sent, failed, uncertain, discarded.
 */

export const LETTER_STATUSES = ['pending', 'sending', 'sent', 'failed', 'suppressed', 'uncertain', 'discarded'] as const;
export type LetterStatus = (typeof LETTER_STATUSES)[number];

/** The statuses a letter is queued in. */
export const FIRST_STATUSES = ['pending', 'suppressed'] as const satisfies readonly LetterStatus[];

export const NEXT: { readonly [S in LetterStatus]: readonly LetterStatus[] } = {
  pending: ['sending', 'discarded'],
  sending: ['sent', 'pending', 'failed', 'uncertain'],
  sent: [],
  failed: ['pending', 'discarded'],
  suppressed: [],
  uncertain: ['pending', 'discarded'],
  discarded: [],
};

export function mayFollow(from: LetterStatus, to: LetterStatus): boolean {
  return NEXT[from].includes(to);
}

/** A password letter's body goes with it once it cannot be sent as it is. */
const ERASE_SECRET_BODY = `body_text = CASE WHEN carries_password = 1 THEN NULL ELSE body_text END,
  body_html = CASE WHEN carries_password = 1 THEN NULL ELSE body_html END`;
const ERASE_BODY = 'body_text = NULL, body_html = NULL';
const RELEASE = 'claimed_by = NULL, claimed_boot = NULL';

/**
 * `UPDATE outbox SET status = to, <set> WHERE <where> AND status IN (from)`. The statuses are
 * this module's constants, so they are written into the statement; the rest are parameters.
 */
function move(db: Db, from: readonly LetterStatus[], to: LetterStatus, set: string, where = 'id = ?', returning = '') {
  for (const f of from) {
    if (!mayFollow(f, to)) throw new Error(`the outbox never moves a ${f} letter to ${to}`);
  }
  const among = from.map((s) => `'${s}'`).join(', ');
  return db.prepare(`UPDATE outbox SET status = '${to}', ${set} WHERE ${where} AND status IN (${among}) ${returning}`);
}

function inScope(jobId: string | undefined): { where: string; params: string[] } {
  return jobId === undefined ? { where: '1 = 1', params: [] } : { where: 'job_id = ?', params: [jobId] };
}

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

/** The least time between two fsyncs of the shredded keys in a sending run. */
const KEY_FLUSH_GAP_MS = 20;

/** The moves of a sending run, prepared once: the run makes them for every letter. */
export class SendingMoves {
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
    this.claimStmt = move(db, ['pending'], 'sending', 'attempts = attempts + 1, claimed_by = ?, claimed_boot = ?, transport = ?, updated_at = ?, next_attempt_at = NULL',
      'id = ?', 'RETURNING id, message_id, primary_id, recipient, subject, body_text, body_html, rowid AS slot, carries_password');
    this.sentStmt = move(db, ['sending'], 'sent', `sent_at = ?, updated_at = ?, last_reply = ?, ${ERASE_BODY}, ${RELEASE}`);
    this.laterStmt = move(db, ['sending'], 'pending', `updated_at = ?, last_reply = ?, next_attempt_at = ?, ${RELEASE}`);
    this.failedStmt = move(db, ['sending'], 'failed', `updated_at = ?, last_reply = ?, ${RELEASE}, ${ERASE_SECRET_BODY}`);
    this.uncertainStmt = move(db, ['sending'], 'uncertain', `updated_at = ?, last_reply = ?, ${RELEASE}, ${ERASE_SECRET_BODY}`);
    this.commits = new CommitSync(db);
    this.keys = new KeyFlusher(db);
    // The keys of letters sealed so far reach the disk before any of them leaves.
    syncLetterKeys(db);
  }

  /** pending -> sending; undefined when the letter is no longer pending (another process took it). */
  claim(id: string, claimer: Claimer, at: string): ClaimedLetter | undefined {
    const row = this.claimStmt.get(claimer.by, claimer.boot, claimer.transport, at, id) as ClaimedRow | undefined;
    if (!row) return undefined;
    const { slot, carries_password, ...letter } = row;
    if (carries_password !== 1) return letter;
    this.slots.set(id, slot);
    const [body_text, body_html] = openBodies(this.db, slot, [letter.body_text ?? null, letter.body_html ?? null]);
    return { ...letter, body_text, body_html };
  }

  /** Whether this claimed letter carries a sealed body, whose key is shredded once it is sent or given up. */
  sealed(id: string): boolean {
    return this.slots.has(id);
  }

  /** The key slots of the letters that ended since the last call: to shred once their moves are on the disk. */
  ended(): number[] {
    return this.toShred.splice(0);
  }

  /**
   * Overwrites these keys (ended()); called once the moves that ended their letters are
   * durable. The zeros are in the file at once; they reach the disk in the background, one
   * fsync for however many calls came meanwhile (flushed() waits for it).
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

/** The ids of the pending letters in the order they were queued; with `dueBy`, only those whose next try is due. */
export function pendingLetterIds(db: Db, jobId: string | undefined, dueBy?: string): string[] {
  const s = inScope(jobId);
  const due = dueBy === undefined ? '' : 'AND (next_attempt_at IS NULL OR next_attempt_at <= ?)';
  return db.prepare<string[], string>(`SELECT id FROM outbox WHERE status = 'pending' AND ${s.where} ${due} ORDER BY created_at, rowid`)
    .pluck().all(...s.params, ...(dueBy === undefined ? [] : [dueBy]));
}

export function countInStatus(db: Db, status: LetterStatus, jobId: string | undefined): number {
  const s = inScope(jobId);
  return db.prepare<string[], number>(`SELECT count(*) FROM outbox WHERE status = ? AND ${s.where}`).pluck().get(status, ...s.params) ?? 0;
}

/** A letter left 'sending': who claimed it, through which transport. */
export interface SendingLetter {
  id: string;
  claimed_by: string | null;
  claimed_boot: string | null;
  transport: string | null;
  slot: number;
  carries_password: number;
}

export function sendingLetters(db: Db): SendingLetter[] {
  return db.prepare<[], SendingLetter>(
    "SELECT id, claimed_by, claimed_boot, transport, rowid AS slot, carries_password FROM outbox WHERE status = 'sending'",
  ).all();
}

/** What became of a letter whose sender died: written (.eml), not written, or unknown (SMTP). */
export type Settled = 'sent' | 'pending' | 'uncertain';

const SETTLED_REPLY: Record<Settled, string> = {
  sent: 'found written after an interruption',
  pending: 'interrupted before it was written',
  uncertain: 'interrupted while the SMTP server had it: it may or may not have been delivered',
};

/**
 * Settles letters left 'sending' by dead senders, in one transaction; an uncertain password
 * letter loses its body. A letter claimed anew since it was read (by a live process) is left alone.
 */
export function settleSending(db: Db, verdicts: { letter: SendingLetter; to: Settled }[], at: string): void {
  const where = 'id = ? AND claimed_by IS ?';
  const sent = move(db, ['sending'], 'sent', `sent_at = ?, updated_at = ?, ${RELEASE}, last_reply = ?, ${ERASE_BODY}`, where);
  const pending = move(db, ['sending'], 'pending', `updated_at = ?, ${RELEASE}, last_reply = ?`, where);
  const uncertain = move(db, ['sending'], 'uncertain', `updated_at = ?, ${RELEASE}, last_reply = ?, ${ERASE_SECRET_BODY}`, where);
  const shred: number[] = [];
  db.transaction(() => {
    for (const { letter, to } of verdicts) {
      const key = [letter.id, letter.claimed_by];
      const moved = to === 'sent' ? sent.run(at, at, SETTLED_REPLY.sent, ...key) : (to === 'pending' ? pending : uncertain).run(at, SETTLED_REPLY[to], ...key);
      if (moved.changes && to !== 'pending' && letter.carries_password === 1) shred.push(letter.slot);
    }
  }).immediate();
  shredLetterKeys(db, shred);
  if (verdicts.some((v) => v.to !== 'pending')) truncateWal(db);
}

/**
 * Puts letters of these statuses (failed, uncertain) back to pending, to be sent again as
 * they are: those whose body was kept (letters without a password). Returns how many.
 */
export function requeueLetters(db: Db, statuses: readonly LetterStatus[], jobId: string | undefined, now = new Date()): number {
  const s = inScope(jobId);
  const resent = statuses.includes('uncertain') ? ", resent = resent + (status = 'uncertain')" : '';
  return move(db, statuses, 'pending', `next_attempt_at = NULL, updated_at = ?${resent}`, `${s.where} AND body_text IS NOT NULL AND carries_password = 0`)
    .run(now.toISOString(), ...s.params).changes;
}

/**
 * What `job resume` and `mail retry` do on their own with uncertain letters: those without a
 * password that were never put back before go back to pending, to be sent again with the same
 * Message-ID (a receiver's duplicate filter drops the second copy), so nobody gets one more
 * than twice. Returns how many.
 */
export function resendUncertainOnce(db: Db, jobId: string | undefined, now = new Date()): number {
  const s = inScope(jobId);
  return move(db, ['uncertain'], 'pending', 'next_attempt_at = NULL, updated_at = ?, resent = resent + 1',
    `${s.where} AND resent = 0 AND body_text IS NOT NULL AND carries_password = 0`).run(now.toISOString(), ...s.params).changes;
}

/** The statuses of a letter that may still be sent. */
const UNSENT: readonly LetterStatus[] = ['pending', 'failed', 'uncertain'];

/**
 * Discards a user's letters not sent yet, inside the transaction that deletes the user (a
 * letter to an account that is gone, perhaps with its temporary password, must not go later
 * with `mail retry`). Returns the key slots of the password letters among them, to shred once
 * that transaction has committed. A letter being sent right now is left to its sender.
 */
export function userLettersDiscarder(db: Db): (userId: number, at: string, reply: string) => number[] {
  const stmt = move(db, UNSENT, 'discarded', `${ERASE_BODY}, next_attempt_at = NULL, updated_at = ?, last_reply = ?`, 'user_id = ?',
    'RETURNING rowid AS slot, carries_password');
  return (userId, at, reply) =>
    (stmt.all(at, reply, userId) as { slot: number; carries_password: number }[]).filter((g) => g.carries_password === 1).map((g) => g.slot);
}

/** Gives up unsent letters: marked discarded, bodies (and any password in them) erased. Returns how many. */
export function discardLetters(db: Db, statuses: readonly LetterStatus[], jobId: string | undefined, now = new Date()): number {
  const s = inScope(jobId);
  const gone = move(db, statuses, 'discarded', `${ERASE_BODY}, next_attempt_at = NULL, updated_at = ?`, s.where, 'RETURNING rowid AS slot, carries_password')
    .all(now.toISOString(), ...s.params) as { slot: number; carries_password: number }[];
  shredLetterKeys(db, gone.filter((g) => g.carries_password === 1).map((g) => g.slot));
  truncateWal(db);
  return gone.length;
}

/** A password letter that did not go (failed, uncertain): only a new password can be sent in its place. */
export interface PasswordLetterRow {
  id: string;
  job_id: string | null;
  user_id: number | null;
  primary_id: string;
  notification_type: string;
  status: LetterStatus;
}

export function passwordLettersIn(db: Db, statuses: readonly LetterStatus[], jobId: string | undefined): PasswordLetterRow[] {
  const s = inScope(jobId);
  return db.prepare<string[], PasswordLetterRow>(`SELECT id, job_id, user_id, primary_id, notification_type, status FROM outbox
    WHERE status IN (${statuses.map(() => '?').join(', ')}) AND ${s.where} AND carries_password = 1 ORDER BY created_at, rowid`).all(...statuses, ...s.params);
}

/**
 * Gives a letter that did not go a new body (with a new password) and a new Message-ID,
 * pending again; only if it is still in the status it was read in. Inside the caller's
 * transaction, with the user's new password hash.
 */
export function reissueLetter(
  db: Db, id: string, from: LetterStatus,
  letter: { messageId: string; recipient: string; subject: string; html: string; text: string; note: string }, now = new Date(),
): boolean {
  const slot = db.prepare<[string], number>('SELECT rowid FROM outbox WHERE id = ?').pluck().get(id);
  if (slot === undefined) return false;
  const seal = sealerFor(db, slot);
  return move(db, [from], 'pending', 'message_id = ?, recipient = ?, subject = ?, body_text = ?, body_html = ?, next_attempt_at = NULL, last_reply = ?, updated_at = ?')
    .run(letter.messageId, letter.recipient, letter.subject, seal(letter.text), seal(letter.html), letter.note, now.toISOString(), id).changes === 1;
}
