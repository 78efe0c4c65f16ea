import { UsageError } from '../../domain/errors.js';
import type { Db } from '../../store/db.js';
import { listLetters, type LetterRow } from '../../store/outbox.js';
import { LETTER_STATUSES, type LetterStatus } from '../../store/outbox-states.js';
import { noteRecovery, recoverInterrupted, type Notes } from './recover.js';

/**
 * `mail list`: read-only and started often, so it checks its options by hand rather than
 * loading zod; the messages are the ones the other commands' zod checks give.
 */

export interface ListMailOptions {
  job?: string | undefined;
  status?: LetterStatus | undefined;
  limit?: number | undefined;
}

export function listMailOptions(opts: { job?: unknown; status?: unknown; limit?: unknown }): ListMailOptions {
  const job = typeof opts.job === 'string' ? opts.job.trim() : undefined;
  if (job === '') throw new UsageError('--job: Too small: expected string to have >=1 characters');
  const status = opts.status as string | undefined;
  if (status !== undefined && !(LETTER_STATUSES as readonly string[]).includes(status)) {
    throw new UsageError(`--status: Invalid option: expected one of ${LETTER_STATUSES.map((s) => JSON.stringify(s)).join('|')}`);
  }
  return { job, status: status as LetterStatus | undefined, limit: opts.limit === undefined ? undefined : positiveInteger(opts.limit) };
}

function positiveInteger(v: unknown): number {
  const n = Number(v);
  if (Number.isNaN(n)) throw new UsageError('--limit: Invalid input: expected number, received NaN');
  if (!Number.isInteger(n)) throw new UsageError('--limit: Invalid input: expected int, received number');
  if (n <= 0) throw new UsageError('--limit: Too small: expected number to be >0');
  return n;
}

/** The outbox's letters (bodies never), after settling those a dead sender left 'sending'. */
export function listMail(db: Db, o: ListMailOptions, notes: Notes): Iterable<LetterRow> {
  noteRecovery(notes, recoverInterrupted(db));
  return listLetters(db, { jobId: o.job, status: o.status, limit: o.limit });
}
