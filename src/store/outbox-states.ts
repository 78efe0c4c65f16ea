import type { Db } from './db.js';
import { sealerFor, shredLetterKeys, truncateWal } from './outbox-secrets.js';

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
 * body was for: sent, failed, uncertain, discarded. The moves of a sending run are in
 * outbox-sending.ts.
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
export const ERASE_SECRET_BODY = `body_text = CASE WHEN carries_password = 1 THEN NULL ELSE body_text END,
  body_html = CASE WHEN carries_password = 1 THEN NULL ELSE body_html END, password_hash = NULL`;
export const ERASE_BODY = 'body_text = NULL, body_html = NULL, password_hash = NULL';
export const RELEASE = 'claimed_by = NULL, claimed_boot = NULL';

/**
 * `UPDATE outbox SET status = to, <set> WHERE <where> AND status IN (from)`. The statuses are
 * this module's constants, so they are written into the statement; the rest are parameters.
 */
export function move(db: Db, from: readonly LetterStatus[], to: LetterStatus, set: string, where = 'id = ?', returning = '') {
  for (const f of from) {
    if (!mayFollow(f, to)) throw new Error(`the outbox never moves a ${f} letter to ${to}`);
  }
  const among = from.map((s) => `'${s}'`).join(', ');
  return db.prepare(`UPDATE outbox SET status = '${to}', ${set} WHERE ${where} AND status IN (${among}) ${returning}`);
}

function inScope(jobId: string | undefined): { where: string; params: string[] } {
  return jobId === undefined ? { where: '1 = 1', params: [] } : { where: 'job_id = ?', params: [jobId] };
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

/** The statuses of a letter that may still be sent: what `mail discard` and deleting its user give up. */
export const UNSENT_STATUSES = ['pending', 'failed', 'uncertain'] as const satisfies readonly LetterStatus[];

/**
 * Discards a user's letters not sent yet, inside the transaction that deletes the user (a
 * letter to an account that is gone, perhaps with its temporary password, must not go later
 * with `mail retry`). Returns the key slots of the password letters among them, to shred once
 * that transaction has committed. A letter being sent right now is left to its sender.
 */
export function userLettersDiscarder(db: Db): (userId: number, at: string, reply: string) => number[] {
  const stmt = move(db, UNSENT_STATUSES, 'discarded', `${ERASE_BODY}, next_attempt_at = NULL, updated_at = ?, last_reply = ?`, 'user_id = ?',
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
  letter: { messageId: string; recipient: string; subject: string; html: string; text: string; note: string; passwordHash: string }, now = new Date(),
): boolean {
  const slot = db.prepare<[string], number>('SELECT rowid FROM outbox WHERE id = ?').pluck().get(id);
  if (slot === undefined) return false;
  const seal = sealerFor(db, slot);
  return move(db, [from], 'pending', 'message_id = ?, recipient = ?, subject = ?, body_text = ?, body_html = ?, password_hash = ?, next_attempt_at = NULL, last_reply = ?, updated_at = ?')
    .run(letter.messageId, letter.recipient, letter.subject, seal(letter.text), seal(letter.html), letter.passwordHash, letter.note, now.toISOString(), id).changes === 1;
}
