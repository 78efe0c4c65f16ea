import { isRestrictedAccount } from '../authz.js';
import type { User } from '../user.js';
import type { StoredUser } from '../user-fields.js';
import { RESTRICTED, type ActionEnv } from './actions.js';
import { RECORD_FIELD, type FieldChange } from './changes.js';
import { failedPlan, type Issue, type UserPlan } from './plan.js';

/**
 * Jobs that create or delete whole users (`users add`, `users delete`, a purge) and the
 * undo of them. The audit row says that the user was created or deleted, with a summary;
 * the deleted record itself is kept apart for `job undo` (store/user-records.ts), for
 * purge.keep_days days.
 */

/** What the audit shows of a created or deleted user: who it was, never its password hash. */
export function recordSummary(u: User): Record<string, string> {
  const s: Record<string, string> = { primary_id: u.primary_id, record_type: u.record_type, account_type: u.account_type };
  for (const f of ['first_name', 'last_name', 'user_group'] as const) if (u[f]) s[f] = u[f]!;
  return s;
}

export function isRecordChange(c: FieldChange): boolean {
  return c.field === RECORD_FIELD;
}

/** A user who does not exist yet, as a plan's `before` (its id is the member's, 0 for a new one). */
export function absentUser(member: { userId: number; primaryId: string }): StoredUser {
  return {
    id: member.userId, primary_id: member.primaryId, record_type: 'PUBLIC', account_type: 'INTERNAL', status: 'ACTIVE',
    force_password_change: false, identifiers: [], emails: [], phones: [], addresses: [], roles: [], blocks: [], notes: [],
    statistics: [], rs_libraries: [], created_at: '', created_by: '', updated_at: '', updated_by: '',
  };
}

const plain = (before: StoredUser, after: User, changes: FieldChange[], record: 'create' | 'delete'): UserPlan => ({
  before, after, changes, outcomes: ['changed'], issues: [], failed: false, passwordReset: false, letter: false, record,
});

/** The plan that creates `user` for an absent member. */
export function createPlan(member: { userId: number; primaryId: string }, user: User): UserPlan {
  return plain(absentUser(member), user, [{ field: RECORD_FIELD, before: null, after: recordSummary(user) }], 'create');
}

/** The plan that deletes `user`; `after` is the record that goes (what the engine keeps for an undo). */
export function deletePlan(user: StoredUser): UserPlan {
  return plain(user, user, [{ field: RECORD_FIELD, before: recordSummary(user), after: null }], 'delete');
}

/** A User Manager may not create or delete a user holding a restricted role, as in jobs. */
export function restrictedRecord(user: User, env: ActionEnv, verb: string): Issue | undefined {
  if (env.isAdministrator || !isRestrictedAccount(env.codes, user)) return undefined;
  return { severity: 'error', code: RESTRICTED, message: `restricted account: only a User Administrator may ${verb} a user holding a restricted role` };
}

/** What an undo reads to put back a deleted user. */
export interface RecordArchive {
  /** The record a job deleted, while it is kept (purge.keep_days). */
  archived(jobId: string, userId: number): User | undefined;
  /** Whether a user with this primary ID exists now. */
  exists(primaryId: string): boolean;
}

/**
 * Undo of a job that created the user: it is deleted again, unless it was changed since
 * (a conflict, left as it is unless forced).
 */
export function undoCreation(before: StoredUser, laterChanges: number, force: boolean, env: ActionEnv): UserPlan {
  if (laterChanges > 0 && !force) {
    return {
      before, after: undefined, changes: [], outcomes: ['unchanged'], failed: false, passwordReset: false, letter: false,
      issues: [{ severity: 'warning', code: 'conflict', message: 'conflict: the user was changed after it was created; not deleted (--force deletes it)' }],
      extra: { conflicts: 1 },
    };
  }
  const refused = restrictedRecord(before, env, 'delete');
  if (refused) return failedPlan(before, 1, refused);
  return { ...deletePlan(before), extra: { changes_reverted: 1, ...(laterChanges > 0 ? { conflicts_overwritten: 1 } : {}) } };
}

/** Undo of a job that deleted the user: its kept record is created again, under its old row id. */
export function undoDeletion(archive: RecordArchive, jobId: string, member: { userId: number; primaryId: string }, env: ActionEnv): UserPlan {
  const ghost = absentUser(member);
  const record = archive.archived(jobId, member.userId);
  if (!record) {
    return failedPlan(ghost, 1, {
      severity: 'error', code: 'record-expired',
      message: 'the deleted record is no longer kept (purge.keep_days passed, and a later purge removed it); it cannot be restored',
    });
  }
  if (archive.exists(record.primary_id)) {
    return {
      before: ghost, after: undefined, changes: [], outcomes: ['unchanged'], failed: false, passwordReset: false, letter: false,
      issues: [{ severity: 'warning', code: 'conflict', message: `conflict: a user ${record.primary_id} exists again; the deleted one was not restored` }],
      extra: { conflicts: 1 },
    };
  }
  const refused = restrictedRecord(record, env, 'restore');
  if (refused) return failedPlan(ghost, 1, refused);
  return { ...createPlan(member, record), extra: { changes_reverted: 1 } };
}

/** A deleted user's row id was taken by another user since: that user is left alone. */
export function deletedThenReused(before: StoredUser): UserPlan {
  return {
    before, after: undefined, changes: [], outcomes: ['unchanged'], failed: false, passwordReset: false, letter: false,
    issues: [{ severity: 'warning', code: 'conflict', message: 'conflict: the deleted user exists again; not restored' }],
    extra: { conflicts: 1 },
  };
}
