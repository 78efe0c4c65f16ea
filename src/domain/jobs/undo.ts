import { isRestrictedAccount, isRestrictedRole } from '../authz.js';
import type { User } from '../user.js';
import type { StoredUser } from '../user-fields.js';
import { RESTRICTED, type ActionEnv } from './actions.js';
import { describeChange, elementKey, PASSWORD_FIELD, sameValue, type FieldChange } from './changes.js';
import { failedPlan, type Issue, type Planner, type UserPlan } from './plan.js';
import { deletedThenReused, isRecordChange, undoCreation, undoDeletion, type RecordArchive } from './records.js';

/**
 * `job undo`: puts back what a finished job changed, from its audit rows. A field or list
 * element that was changed again since (by a later job, or by anything else, which shows
 * as a value other than the one the job left) is a conflict: left as it is, unless forced.
 * The job's other changes to that user are still undone. Passwords are not restored: the
 * audit never holds one.
 */

export interface UndoParams {
  undo_of: string;
  force: boolean;
}

/** One user's changes by one job (or an import), as the audit trail keeps them. */
export interface AuditEntry {
  /** Increases with every change written. */
  id: number;
  job_id: string | null;
  /** Who made a change outside jobs, and why ("users import users.csv"): named in a conflict. */
  operator: string;
  reason: string | null;
  /** JSON of FieldChange[]. */
  changes: string;
}

/** What an undo reads of the audit trail (and of the records deleted jobs kept). */
export interface UndoAudit extends RecordArchive {
  /** The job's changes to this user, if it changed it. */
  of(jobId: string, userId: number): AuditEntry | undefined;
  /** The user's changes written after `afterId`: what the undo must respect. */
  later(userId: number, afterId: number): AuditEntry[];
}

export const CONFLICT = 'conflict';

/** What made a later change, as a conflict names it: `job ID`, or `users import users.csv (by admin)`. */
function changedBy(a: AuditEntry): string {
  if (a.job_id) return `job ${a.job_id}`;
  return `${a.reason ?? 'a change outside jobs'} (by ${a.operator})`;
}

const NOT_RESTORED = new Set([PASSWORD_FIELD, 'force_password_change']);

export function undoPlanner(audit: UndoAudit, params: UndoParams, env: ActionEnv): Planner {
  return {
    labels: [`undo of job ${params.undo_of}`],
    actionCounters: ['users_reverted'],
    counters: ['users_reverted', 'changes_reverted', 'conflicts', ...(params.force ? ['conflicts_overwritten'] : []), 'passwords_not_restored'],
    letterType: undefined,
    mayResetPasswords: false,
    columns: undefined,
    plan: (user) => planUndo(audit, params, env, user),
    // A user the job deleted (users delete, purge) is created again from its kept record.
    planAbsent: (member) => (audit.of(params.undo_of, member.userId) ? undoDeletion(audit, params.undo_of, member, env) : undefined),
  };
}

function planUndo(trail: UndoAudit, params: UndoParams, env: ActionEnv, before: StoredUser): UserPlan {
  const audit = trail.of(params.undo_of, before.id);
  const unchanged: UserPlan = { before, after: undefined, changes: [], outcomes: ['unchanged'], issues: [], failed: false, passwordReset: false, letter: false };
  if (!audit) return unchanged;
  const done = JSON.parse(audit.changes) as FieldChange[];
  const later = trail.later(before.id, audit.id);
  const record = done.find(isRecordChange);
  if (record) return record.before === null ? undoCreation(before, later.length, params.force, env) : deletedThenReused(before);
  const touchedBy = new Map<string, string>();
  for (const a of later) {
    for (const c of JSON.parse(a.changes) as FieldChange[]) touchedBy.set(slot(c), changedBy(a));
  }

  let user: User = before;
  const reverted: FieldChange[] = [];
  const issues: Issue[] = [];
  const extra: Record<string, number> = { changes_reverted: 0, conflicts: 0, passwords_not_restored: 0 };
  if (params.force) extra.conflicts_overwritten = 0;
  let restrictedRole = false;

  // Last change first, so that a field changed twice by the job ends as it began.
  for (const c of [...done].reverse()) {
    if (NOT_RESTORED.has(c.field)) {
      if (c.field === PASSWORD_FIELD) extra.passwords_not_restored!++;
      continue;
    }
    const now = current(user, c);
    const laterJob = touchedBy.get(slot(c));
    const conflict = laterJob !== undefined || !sameValue(now, c.after);
    if (conflict) {
      if (!params.force) {
        extra.conflicts!++;
        const why = laterJob ? `changed again by ${laterJob}` : 'changed since by something other than a job';
        issues.push({
          severity: 'warning', code: CONFLICT,
          message: `conflict: ${describeChange(c)} was ${why}; left as it is (to put it back anyway: alma-users job undo ${params.undo_of} --force)`,
        });
        continue;
      }
      extra.conflicts_overwritten!++;
    }
    user = revert(user, c);
    if (c.field === 'roles' && isRestrictedRole(env.codes, ((c.before ?? c.after) as { role: string }).role)) restrictedRole = true;
    reverted.push({ field: c.field, ...(c.key !== undefined ? { key: c.key } : {}), before: now, after: c.before });
    extra.changes_reverted!++;
  }

  if (reverted.length > 0 && !env.isAdministrator && (restrictedRole || isRestrictedAccount(env.codes, before))) {
    return failedPlan(before, 1, { severity: 'error', code: RESTRICTED, message: 'restricted account: only a User Administrator may change a user holding a restricted role' });
  }
  if (reverted.length === 0) return { ...unchanged, issues, extra };
  return { before, after: user, changes: reverted, outcomes: ['changed'], issues, failed: false, passwordReset: false, letter: false, extra };
}

/** Where a change sits: a field, or one element of a list field. */
function slot(c: FieldChange): string {
  return c.key === undefined ? c.field : `${c.field}\u0000${c.key}`;
}

function current(user: User, c: FieldChange): unknown {
  const v = (user as unknown as Record<string, unknown>)[c.field];
  if (c.key === undefined) return v ?? null;
  return (v as unknown[]).find((e) => elementKey(c.field, e) === c.key) ?? null;
}

/** The user with one audited change taken back (its `before` put back). */
export function revert(user: User, c: FieldChange): User {
  const u = { ...user } as unknown as Record<string, unknown>;
  if (c.key === undefined) {
    if (c.before === null) delete u[c.field];
    else u[c.field] = c.before;
    return u as unknown as User;
  }
  const list = u[c.field] as unknown[];
  const i = list.findIndex((e) => elementKey(c.field, e) === c.key);
  const next = [...list];
  if (c.before === null) {
    if (i >= 0) next.splice(i, 1);
  } else if (i >= 0) next[i] = c.before;
  else next.push(c.before);
  u[c.field] = next;
  return u as unknown as User;
}
