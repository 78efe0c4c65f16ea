import { nanoid } from 'nanoid';
import { allowListMatcher } from '../core/config.js';
import { ConflictError } from '../core/errors.js';
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
      subject, body_text, body_html, status, last_reply, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
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
        allowed ? 'pending' : 'suppressed', allowed ? null : SUPPRESSED_REPLY, at, at,
      );
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && letter.jobId !== null) {
        throw new ConflictError(`job ${letter.jobId} already queued a letter for user ${letter.primaryId}; a second one was refused`);
      }
      throw e;
    }
    return { id, messageId, status: allowed ? 'pending' : 'suppressed' };
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
