import type { Db } from './db.js';
import { LETTER_STATUSES, type LetterStatus } from './outbox-states.js';

/**
 * The outbox as it is read: letters without their bodies, and counts by status. Queueing
 * is outbox-queue.ts; every change of a letter's status is outbox-states.ts.
 */

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
    // Status by status, so that the (status, job_id) index answers alone, without reading the letters.
    : db.prepare<[string], { status: LetterStatus; n: number }>(
      `SELECT status, count(*) AS n FROM outbox WHERE status IN (${LETTER_STATUSES.map((s) => `'${s}'`).join(', ')}) AND job_id = ? GROUP BY status`,
    ).all(jobId);
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}

/** A job's letters that did not go, grouped by status and the server's reply, the commonest first. */
export function undeliveredByReply(db: Db, jobId: string): { status: LetterStatus; reply: string | null; letters: number }[] {
  return db.prepare<[string], { status: LetterStatus; reply: string | null; letters: number }>(
    `SELECT status, last_reply AS reply, count(*) AS letters FROM outbox
      WHERE status IN ('failed', 'uncertain', 'pending') AND job_id = ? AND (status <> 'pending' OR attempts > 0)
      GROUP BY status, last_reply ORDER BY letters DESC, status, reply`,
  ).all(jobId);
}
