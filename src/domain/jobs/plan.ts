import { isRestrictedAccount } from '../authz.js';
import type { User } from '../user.js';
import { preferredEmail, type StoredUser } from '../user-fields.js';
import { RESTRICTED, type ActionEnv } from './actions.js';
import { PASSWORD_FIELD, PASSWORD_RESET, type FieldChange } from './changes.js';
import { buildActions, PASSWORD_LETTER, type CountedAction, type UpdateNotifyParams } from './params.js';

/**
 * What a job would do to one user, decided in memory before anything is written: the
 * user after every action, the field changes, per-action outcomes, errors and warnings,
 * and whether the user gets a letter and a new password. All or nothing: a user with an
 * error is left exactly as it was.
 */

export interface Issue {
  severity: 'error' | 'warning';
  code: string;
  message: string;
}

export type ActionOutcome = 'changed' | 'unchanged' | 'failed';

export interface UserPlan {
  before: StoredUser;
  /** The user to write; set only when something changed. Its password is set by the engine. */
  after: User | undefined;
  changes: FieldChange[];
  /** One per planner label. */
  outcomes: ActionOutcome[];
  issues: Issue[];
  failed: boolean;
  /** A new temporary password goes to this user (hashed by the engine, carried by the letter). */
  passwordReset: boolean;
  /** The job's letter is queued for this user. */
  letter: boolean;
  /** Counts particular to a job type (an undo's conflicts), added to the job's counters. */
  extra?: Record<string, number>;
  /** The plan creates the user (`after` is the new record) or deletes it; absent: `after`'s changed columns are written. */
  record?: 'create' | 'delete' | undefined;
}

/** A job type's rule for one user, shared by the engine and the dry run. */
export interface Planner {
  /** Per-action rows of the report, in order. */
  labels: string[];
  /** The counter each action adds one to when it changes a user (parallel to labels). */
  actionCounters: (string | undefined)[];
  /** Counters that start at zero, so reports always show them. */
  counters: string[];
  /** The notification type of the job's letter, if it sends one. */
  letterType: string | undefined;
  /** Whether any user may need a new password (hashed before the bulk's transaction). */
  mayResetPasswords: boolean;
  /** The user columns the plan reads; undefined: all of them (a letter shows the whole user). */
  columns: readonly string[] | undefined;
  plan(user: StoredUser): UserPlan;
  /**
   * A member whose user does not exist: the plan that creates it (`users add`, the undo of a
   * deletion), or undefined for the error "user-missing".
   */
  planAbsent?(member: { userId: number; primaryId: string }): UserPlan | undefined;
}

export const NO_EMAIL = 'no-email';
export const EXTERNAL_ACCOUNT = 'external-account';

export function updateNotifyPlanner(p: UpdateNotifyParams, env: ActionEnv): Planner {
  const actions = buildActions(p);
  const notify = p.notify;
  const labels = [...actions.map((a) => a.label), ...(notify ? [`--notify ${notify}`] : [])];
  const counters = [...new Set(actions.flatMap((a) => (a.counter ? [a.counter] : [])))];
  if (p.convert_to === 'internal' && p.password_reset !== false) counters.push('passwords_reset');
  if (notify === PASSWORD_LETTER && !counters.includes('passwords_reset')) counters.push('passwords_reset');
  if (notify) counters.push('letters_queued', 'letters_suppressed', 'letters_sent', 'letters_failed', 'letters_pending', 'letters_uncertain', 'no_email');
  if (notify === PASSWORD_LETTER && p.convert_to !== 'internal') counters.push('external_skipped');
  return {
    labels,
    actionCounters: [...actions.map((a) => a.counter), ...(notify ? [undefined] : [])],
    counters,
    letterType: notify,
    mayResetPasswords: notify === PASSWORD_LETTER || (p.convert_to === 'internal' && p.password_reset !== false),
    // Roles always: whether a user is a restricted account depends on them.
    columns: notify ? undefined : [...new Set(['roles', ...actions.flatMap((a) => a.columns)])],
    plan: (user) => planUpdateNotify(user, actions, p, env),
  };
}

function planUpdateNotify(before: StoredUser, actions: CountedAction[], p: UpdateNotifyParams, env: ActionEnv): UserPlan {
  let user: User = before;
  const changes: FieldChange[] = [];
  const outcomes: ActionOutcome[] = [];
  const issues: Issue[] = [];
  let resetByConversion = false;

  for (const action of actions) {
    const r = action.apply(user, env);
    if (r.outcome === 'error') return failedPlan(before, actions.length + (p.notify ? 1 : 0), { severity: 'error', code: r.code, message: r.message });
    if (r.outcome === 'changed') {
      user = r.user;
      changes.push(...r.changes);
      if (r.resetPassword) resetByConversion = true;
    }
    outcomes.push(r.outcome);
  }

  let passwordReset = resetByConversion;
  let letter = false;
  if (p.notify) {
    const email = preferredEmail(user);
    const noEmail: Issue = { severity: 'warning', code: NO_EMAIL, message: 'no e-mail address: no letter sent' };
    if (p.notify !== PASSWORD_LETTER) {
      if (email) letter = true;
      else issues.push(noEmail);
    } else if (p.convert_to === 'internal') {
      // As Alma documents it: the password letter goes only to users whose password the job reset.
      if (resetByConversion) {
        if (email) letter = true;
        else issues.push(noEmail);
      }
    } else if (user.account_type === 'EXTERNAL') {
      issues.push({ severity: 'warning', code: EXTERNAL_ACCOUNT, message: 'external account: the password belongs to the SIS; no letter sent' });
    } else if (!email) {
      // A new password that no letter carries would only lock the user out.
      issues.push(noEmail);
    } else {
      passwordReset = true;
      letter = true;
    }
    outcomes.push(letter ? 'changed' : 'unchanged');
  }

  if (passwordReset) {
    changes.push({ field: PASSWORD_FIELD, before: null, after: PASSWORD_RESET });
    if (!user.force_password_change) changes.push({ field: 'force_password_change', before: false, after: true });
    user = { ...user, force_password_change: true };
  }

  if (changes.length > 0 && !env.isAdministrator && isRestrictedAccount(env.codes, before)) {
    const held = before.roles.find((r) => env.codes.get('role', r.role)?.attrs.restricted)?.role ?? 'a restricted role';
    return failedPlan(before, outcomes.length, {
      severity: 'error', code: RESTRICTED, message: `restricted account: only a User Administrator may change a user holding ${held}`,
    });
  }

  return { before, after: changes.length > 0 ? user : undefined, changes, outcomes, issues, failed: false, passwordReset, letter };
}

/** A user left as it was, every action counted as failed. */
export function failedPlan(before: StoredUser, actionCount: number, issue: Issue): UserPlan {
  return {
    before, after: undefined, changes: [], outcomes: Array(actionCount).fill('failed'), issues: [issue],
    failed: true, passwordReset: false, letter: false,
  };
}
