import { changedColumns } from '../../domain/jobs/changes.js';
import type { UserPlan } from '../../domain/jobs/plan.js';
import type { User } from '../../domain/user.js';
import type { StoredUser } from '../../domain/user-fields.js';
import type { JobRow } from '../../store/jobs.js';
import type { JobStores } from './stores.js';

/**
 * How the engine writes one user's plan, inside its bulk's transaction: the changed
 * columns; or a whole record created (`users add`, the undo of a deletion, under the
 * member's old row id) or deleted (kept for `job undo`). `after` is the plan's; returns
 * the user's row id.
 */
export function writeUserPlan(stores: JobStores, job: JobRow, user: StoredUser, after: User, plan: UserPlan, at: string): number {
  if (plan.record === 'create') {
    // A restored record keeps its creation; a new one is created now.
    const kept = after as Partial<StoredUser>;
    const created = kept.created_at && kept.created_by ? { at: kept.created_at, by: kept.created_by } : undefined;
    return stores.records.create(after, job.operator, at, user.id > 0 ? user.id : undefined, created);
  }
  if (plan.record === 'delete') {
    stores.records.delete(job.id, user, at);
    return user.id;
  }
  stores.users.write(user.id, after, changedColumns(plan.changes), job.operator, at);
  return user.id;
}
