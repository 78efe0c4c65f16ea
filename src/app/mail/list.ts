import type { Db } from '../../store/db.js';
import { listLetters, type LetterRow } from '../../store/outbox.js';
import { LETTER_STATUSES, type LetterStatus } from '../../store/outbox-states.js';
import { noteRecovery, recoverInterrupted, type Notes } from './recover.js';
import { jobScope } from './uncertain.js';

/**
 * `mail list`: read-only and started often, so its options are checked without zod, by the
 * command (src/cli/options.ts), against these statuses.
 */
export { LETTER_STATUSES };

export interface ListMailOptions {
  job?: string | undefined;
  status?: LetterStatus | undefined;
  limit?: number | undefined;
}

/** The outbox's letters (bodies never), after settling those a dead sender left 'sending'. */
export function listMail(db: Db, o: ListMailOptions, notes: Notes): Iterable<LetterRow> {
  noteRecovery(notes, recoverInterrupted(db));
  return listLetters(db, { jobId: jobScope(db, o.job), status: o.status, limit: o.limit });
}
