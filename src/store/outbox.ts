import { nanoid } from 'nanoid';
import { allowListMatcher } from '../domain/config.js';
import { ConflictError } from '../domain/errors.js';
import { getConfig } from './config.js';
import type { Db } from './db.js';

/**
 * The transactional outbox. enqueue() is called inside the caller's transaction (a job's
 * bulk), so a letter exists exactly when the change it announces was committed; src/mail
 * sends it afterwards.
 */

export const LETTER_STATUSES = ['pending', 'sending', 'sent', 'failed', 'suppressed', 'uncertain', 'discarded'] as const;
export type LetterStatus = (typeof LETTER_STATUSES)[number];

export interface LetterToQueue {
  jobId: string | null;
  userId: number | null;
  primaryId: string;
  type: string;
  recipient: string;
  subject: string;
  html: string;
  text: string;
  /** The body holds a temporary password: erased as soon as the letter cannot be sent as it is. */
  carriesPassword: boolean;
}

export interface QueuedLetter {
  id: string;
  messageId: string;
  status: 'pending' | 'suppressed';
}

export interface OutboxOptions {
  /**
   * The allow-list (comma-separated addresses and *@domain patterns); letters to other
   * addresses are suppressed. Default: the store's mail.allowed_emails; null: none.
   */
  allowedEmails?: string | null;
  /** The right-hand side of Message-IDs. Default: the domain of institution.email. */
  messageIdDomain?: string;
  now?: () => Date;
}

export const SUPPRESSED_REPLY = 'not sent: the address is outside mail.allowed_emails';

export class Outbox {
  private readonly insert;
  private readonly allowed: ((address: string) => boolean) | undefined;
  private readonly domain: string;
  private readonly now: () => Date;

  constructor(private readonly db: Db, options: OutboxOptions = {}) {
    const allowList = options.allowedEmails === undefined ? getConfig(db, 'mail.allowed_emails') : options.allowedEmails ?? undefined;
    this.allowed = allowListMatcher(allowList);
    this.domain = options.messageIdDomain ?? messageIdDomain(getConfig(db, 'institution.email'));
    this.now = options.now ?? (() => new Date());
    this.insert = db.prepare(`INSERT INTO outbox (id, message_id, job_id, user_id, primary_id, notification_type, recipient,
      subject, body_text, body_html, status, last_reply, created_at, updated_at, carries_password)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  }

  /** Whether a letter to this address would be sent (false: suppressed by the allow-list). */
  allows(address: string): boolean {
    return this.allowed ? this.allowed(address) : true;
  }

  /**
   * Queues one letter; synchronous, inside the caller's transaction. A letter to an
   * address outside the allow-list is recorded as suppressed, without its body.
   */
  enqueue(letter: LetterToQueue): QueuedLetter {
    const id = nanoid();
    const messageId = `<${id}@${this.domain}>`;
    const allowed = this.allows(letter.recipient);
    const at = this.now().toISOString();
    try {
      this.insert.run(
        id, messageId, letter.jobId, letter.userId, letter.primaryId, letter.type, letter.recipient, letter.subject,
        allowed ? letter.text : null, allowed ? letter.html : null,
        allowed ? 'pending' : 'suppressed', allowed ? null : SUPPRESSED_REPLY, at, at, letter.carriesPassword ? 1 : 0,
      );
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && letter.jobId !== null) {
        throw new ConflictError(`job ${letter.jobId} already queued a letter for user ${letter.primaryId}; a second one was refused`);
      }
      throw e;
    }
    return { id, messageId, status: allowed ? 'pending' : 'suppressed' };
  }

  /** A new Message-ID for a letter sent again with a new body (a reissued password letter). */
  newMessageId(): string {
    return `<${nanoid()}@${this.domain}>`;
  }
}

/** institution.email's domain, so Message-IDs name the library; a neutral one until it is set. */
export function messageIdDomain(email: string | undefined): string {
  const domain = email?.slice(email.lastIndexOf('@') + 1).trim();
  return domain && /^[A-Za-z0-9.-]+$/.test(domain) ? domain : 'alma-users.invalid';
}

/** A letter as listed (mail list): everything but the body. */
export type LetterRow = {
  id: string;
  message_id: string;
  job_id: string | null;
  user_id: number | null;
  primary_id: string;
  notification_type: string;
  recipient: string;
  subject: string;
  status: LetterStatus;
  attempts: number;
  last_reply: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
};

export interface LetterFilter {
  jobId?: string | undefined;
  status?: LetterStatus | undefined;
  limit?: number | undefined;
}

const LIST_COLUMNS = `id, message_id, job_id, user_id, primary_id, notification_type, recipient, subject, status,
  attempts, last_reply, created_at, updated_at, sent_at`;

/** Letters in the order they were queued, without their bodies. */
export function* listLetters(db: Db, filter: LetterFilter = {}): Generator<LetterRow> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (filter.jobId !== undefined) { where.push('job_id = ?'); params.push(filter.jobId); }
  if (filter.status !== undefined) { where.push('status = ?'); params.push(filter.status); }
  const sql = `SELECT ${LIST_COLUMNS} FROM outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY created_at, rowid ${filter.limit ? `LIMIT ${Math.floor(filter.limit)}` : ''}`;
  yield* db.prepare<(string | number)[], LetterRow>(sql).iterate(...params);
}

/** How many letters are in each status, for a job or for the whole outbox. */
export function countLetters(db: Db, jobId?: string): Record<LetterStatus, number> {
  const counts = Object.fromEntries(LETTER_STATUSES.map((s) => [s, 0])) as Record<LetterStatus, number>;
  const rows = jobId === undefined
    ? db.prepare<[], { status: LetterStatus; n: number }>('SELECT status, count(*) AS n FROM outbox GROUP BY status').all()
    : db.prepare<[string], { status: LetterStatus; n: number }>('SELECT status, count(*) AS n FROM outbox WHERE job_id = ? GROUP BY status').all(jobId);
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}

function scoped(statuses: readonly string[], jobId: string | undefined): { where: string; params: string[] } {
  return {
    where: `status IN (${statuses.map(() => '?').join(', ')})${jobId === undefined ? '' : ' AND job_id = ?'}`,
    params: [...statuses, ...(jobId === undefined ? [] : [jobId])],
  };
}

/**
 * Puts letters of these statuses (failed, uncertain) back to pending, to be sent again as
 * they are: those whose body was kept (letters without a password). Returns how many.
 */
export function requeueLetters(db: Db, statuses: readonly LetterStatus[], jobId: string | undefined, now = new Date()): number {
  const s = scoped(statuses, jobId);
  return db.prepare(`UPDATE outbox SET status = 'pending', next_attempt_at = NULL, updated_at = ?
    WHERE ${s.where} AND body_text IS NOT NULL AND carries_password = 0`).run(now.toISOString(), ...s.params).changes;
}

/** Gives up unsent letters: marked discarded, bodies (and any password in them) erased. Returns how many. */
export function discardLetters(db: Db, statuses: readonly LetterStatus[], jobId: string | undefined, now = new Date()): number {
  const s = scoped(statuses, jobId);
  const n = db.prepare(`UPDATE outbox SET status = 'discarded', body_text = NULL, body_html = NULL, next_attempt_at = NULL, updated_at = ?
    WHERE ${s.where}`).run(now.toISOString(), ...s.params).changes;
  db.pragma('wal_checkpoint(TRUNCATE)');
  return n;
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
  const s = scoped(statuses, jobId);
  return db.prepare<string[], PasswordLetterRow>(`SELECT id, job_id, user_id, primary_id, notification_type, status FROM outbox
    WHERE ${s.where} AND carries_password = 1 ORDER BY created_at, rowid`).all(...s.params);
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
  return db.prepare(`UPDATE outbox SET status = 'pending', message_id = ?, recipient = ?, subject = ?, body_text = ?, body_html = ?,
      next_attempt_at = NULL, last_reply = ?, updated_at = ? WHERE id = ? AND status = ?`)
    .run(letter.messageId, letter.recipient, letter.subject, letter.text, letter.html, letter.note, now.toISOString(), id, from).changes === 1;
}

/** A job's letters that did not go, grouped by status and the server's reply, the commonest first. */
export function undeliveredByReply(db: Db, jobId: string): { status: LetterStatus; reply: string | null; letters: number }[] {
  return db.prepare<[string], { status: LetterStatus; reply: string | null; letters: number }>(
    `SELECT status, last_reply AS reply, count(*) AS letters FROM outbox
      WHERE job_id = ? AND (status IN ('failed', 'uncertain') OR (status = 'pending' AND attempts > 0))
      GROUP BY status, last_reply ORDER BY letters DESC, status, reply`,
  ).all(jobId);
}
