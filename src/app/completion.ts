import type { CodeTable } from '../domain/codes.js';
import { codeNames, jobIds, readNames, setNames, type NameRow } from '../store/completion.js';

/**
 * Shell completion's names from the store in use (`alma-users __complete`): set names, job
 * ids and codes. Nothing else is loaded: it runs on every Tab press.
 */

export type { NameRow };

/** What to name: the operator's sets, the latest jobs, or the codes of a table. */
export type StoreNames = { kind: 'sets'; operator: string | undefined } | { kind: 'jobs' } | { kind: 'codes'; table: CodeTable };

/** Enough recent jobs to find today's; an id typed further is still completed from its start. */
const JOBS = 200;

/** The names, or none when the store cannot be read: completion offers what it can and never fails. */
export function storeNames(file: string, want: StoreNames): NameRow[] {
  return readNames(file, (db) => {
    switch (want.kind) {
      case 'sets':
        return setNames(db, want.operator);
      case 'jobs':
        return jobIds(db, JOBS);
      case 'codes':
        return codeNames(db, want.table);
    }
  });
}
