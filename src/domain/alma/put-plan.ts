import { PASSWORD_FIELD, RECORD_FIELD, sameValue, type FieldChange } from '../jobs/changes.js';
import { revert } from '../jobs/undo.js';
import { isProtectedField } from '../protected-fields.js';
import type { User } from '../user.js';

/**
 * `alma push --method put`, for one user: the job's changes laid onto the record Alma holds
 * now. A field the job changed that differs in Alma from the record pulled (the baseline)
 * was changed there since: a conflict, left alone. A record that already shows every
 * change is pushed (a rerun after a PUT whose answer was lost applies nothing twice).
 */

/** One field changed both by the job and in Alma since the pull. */
export interface PutConflict {
  field: string;
  baseline: unknown;
  alma: unknown;
  /** What the job would have put there. */
  job: unknown;
}

export type PutDecision =
  | { kind: 'already' }
  | { kind: 'conflict'; conflicts: PutConflict[] }
  | { kind: 'unsupported'; why: string }
  | { kind: 'put'; intended: User; fields: string[]; override: string[] };

/** Changes a PUT does not carry: the password (Alma keeps its own), a whole record created or deleted. */
const NOT_PUT = new Set([PASSWORD_FIELD, 'force_password_change']);

/** The fields a job's changes touch, as a PUT sends them. */
export function changedFields(changes: readonly FieldChange[]): string[] {
  return [...new Set(changes.map((c) => c.field).filter((f) => !NOT_PUT.has(f)))];
}

/** The user with the job's changes made (each change's `after` put in place). */
export function applyChanges(user: User, changes: readonly FieldChange[]): User {
  return changes.filter((c) => !NOT_PUT.has(c.field)).reduce((u, c) => revert(u, { ...c, before: c.after }), user);
}

function field(u: User, f: string): unknown {
  return (u as unknown as Record<string, unknown>)[f] ?? null;
}

/** Whether `user` shows every field as `intended` does. */
export function showsIntended(user: User, intended: User, fields: readonly string[]): boolean {
  return fields.every((f) => sameValue(field(user, f), field(intended, f)));
}

export function planPut(baseline: User, current: User, changes: readonly FieldChange[]): PutDecision {
  if (changes.some((c) => c.field === RECORD_FIELD)) {
    return { kind: 'unsupported', why: 'the job created or deleted the user; alma push sends changes to existing users' };
  }
  const fields = changedFields(changes);
  const intended = applyChanges(current, changes);
  if (showsIntended(current, intended, fields)) return { kind: 'already' };
  if (changes.some((c) => c.field === 'account_type' && c.after === 'INTERNAL') && current.account_type === 'EXTERNAL') {
    return { kind: 'unsupported', why: "Alma's API cannot make an external user internal; push this job with --method job" };
  }
  const conflicts = fields
    .filter((f) => !sameValue(field(baseline, f), field(current, f)))
    .map((f) => ({ field: f, baseline: field(baseline, f), alma: field(current, f), job: field(intended, f) }));
  if (conflicts.length) return { kind: 'conflict', conflicts };
  const override = current.account_type === 'EXTERNAL' ? fields.filter(isProtectedField) : [];
  return { kind: 'put', intended, fields, override };
}
