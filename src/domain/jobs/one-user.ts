import { isRestrictedAccount } from '../authz.js';
import type { User } from '../user.js';
import { preferredEmail, type StoredUser } from '../user-fields.js';
import { RESTRICTED, type ActionEnv } from './actions.js';
import { PASSWORD_FIELD, PASSWORD_RESET, sameValue, type FieldChange } from './changes.js';
import { PASSWORD_LETTER } from './params.js';
import { failedPlan, type Issue, type Planner, type UserPlan } from './plan.js';
import { createPlan, deletePlan, restrictedRecord } from './records.js';

/**
 * One user at a time: `users add`, `edit`, `reset-password` and `delete`, each a job of one
 * member run by the job engine, so that it is audited, shown in `users history` and
 * `job list`, and undone with `job undo` as any job is. The update/notify actions come from
 * action-table.ts; the field setters below are the fields no bulk action sets.
 */

/** A field of the user details page that `users add` and `users edit` set directly. */
export interface FieldSetter {
  flags: string;
  help: string;
  field: 'first_name' | 'middle_name' | 'last_name' | 'pref_first_name' | 'pref_last_name' | 'gender' | 'birth_date' | 'preferred_language' | 'email';
  /** A date (YYYY-MM-DD). */
  date?: boolean;
}

export const FIELD_SETTERS: readonly FieldSetter[] = [
  { flags: '--first-name <text>', help: 'first name', field: 'first_name' },
  { flags: '--middle-name <text>', help: 'middle name ("" clears it)', field: 'middle_name' },
  { flags: '--last-name <text>', help: 'last name', field: 'last_name' },
  { flags: '--pref-first-name <text>', help: 'preferred first name ("" clears it)', field: 'pref_first_name' },
  { flags: '--pref-last-name <text>', help: 'preferred last name ("" clears it)', field: 'pref_last_name' },
  { flags: '--gender <text>', help: 'gender ("" clears it)', field: 'gender' },
  { flags: '--birth-date <date>', help: 'birth date, YYYY-MM-DD ("" clears it)', field: 'birth_date', date: true },
  { flags: '--preferred-language <code>', help: 'language of letters (en, de...; "" clears it)', field: 'preferred_language' },
  { flags: '--email <address>', help: 'the preferred e-mail address (replaces the preferred one)', field: 'email' },
];

/** Fields the user details page will not save empty, as Alma's: refused, never cleared. */
export const MANDATORY_FIELDS = ['first_name', 'last_name'] as const;

/** The setters' values as resolved: a field and its new value (null clears it). */
export type FieldValues = { field: FieldSetter['field']; value: string | null }[];

/** The user with the setters applied, and the changes in the audit's terms. */
export function applySetters(user: User, values: FieldValues): { user: User; changes: FieldChange[] } {
  let u: User = user;
  const changes: FieldChange[] = [];
  for (const { field, value } of values) {
    if (field === 'email') {
      if (value === null) continue;
      const i = u.emails.findIndex((e) => e.preferred);
      const j = i >= 0 ? i : 0;
      const old = u.emails[j];
      if (old?.address === value) continue;
      const emails = [...u.emails];
      const next = old ? { ...old, address: value, preferred: true } : { address: value, types: ['personal'], preferred: true, segment: 'Internal' as const };
      if (old) emails[j] = next;
      else emails.push(next);
      changes.push({ field: 'emails', before: u.emails, after: emails });
      u = { ...u, emails };
      continue;
    }
    const was = u[field] ?? null;
    if (sameValue(was, value)) continue;
    const copy = { ...u } as Record<string, unknown>;
    if (value === null) delete copy[field];
    else copy[field] = value;
    u = copy as unknown as User;
    changes.push({ field, before: was, after: value });
  }
  return { user: u, changes };
}

/** `users add`: creates the member (absent until then) with the record built from the options. */
export function addPlanner(user: User, env: ActionEnv, exists: (primaryId: string) => boolean): Planner {
  const taken = (before: StoredUser): UserPlan =>
    failedPlan(before, 1, { severity: 'error', code: 'exists', message: `a user ${before.primary_id} exists already` });
  return {
    ...oneAction('users add', 'users_created'),
    plan: taken,
    planAbsent(member) {
      if (exists(member.primaryId)) return taken({ ...(user as StoredUser), id: member.userId });
      const refused = restrictedRecord(user, env, 'create');
      if (refused) return failedPlan({ ...(user as StoredUser), id: member.userId }, 1, refused);
      return createPlan(member, user);
    },
  };
}

/** `users delete`: the member goes; its record is kept for `job undo`. */
export function deletePlanner(env: ActionEnv): Planner {
  return {
    ...oneAction('users delete', 'users_deleted'),
    plan(user) {
      const refused = restrictedRecord(user, env, 'delete');
      return refused ? failedPlan(user, 1, refused) : deletePlan(user);
    },
  };
}

/**
 * `users reset-password`: a new random password and a forced change at the next sign-in;
 * with `notify`, the NOTIFY_PASSWORD_CHANGE letter carries it (the only place it goes).
 */
export function resetPasswordPlanner(notify: boolean, env: ActionEnv): Planner {
  return {
    ...oneAction('users reset-password', 'passwords_reset'),
    counters: ['passwords_reset', ...(notify ? ['letters_queued', 'letters_suppressed', 'letters_sent', 'letters_failed', 'letters_pending', 'letters_uncertain'] : [])],
    actionCounters: [undefined],
    letterType: notify ? PASSWORD_LETTER : undefined,
    mayResetPasswords: true,
    plan(user) {
      const refuse = (code: string, message: string) => failedPlan(user, 1, { severity: 'error', code, message });
      if (user.account_type === 'EXTERNAL') return refuse('external-account', 'external account: the password belongs to the SIS');
      if (notify && !preferredEmail(user)) return refuse('no-email', 'no e-mail address: the letter that carries the password cannot go');
      if (!env.isAdministrator && isRestrictedAccount(env.codes, user)) return refuse(RESTRICTED, 'restricted account: only a User Administrator may reset its password');
      const changes: FieldChange[] = [{ field: PASSWORD_FIELD, before: null, after: PASSWORD_RESET }];
      if (!user.force_password_change) changes.push({ field: 'force_password_change', before: false, after: true });
      return {
        before: user, after: { ...user, force_password_change: true }, changes, outcomes: ['changed'], issues: [], failed: false,
        passwordReset: true, letter: notify,
      };
    },
  };
}

/**
 * `users edit`: the field setters, then the update/notify actions (`actions`, built from
 * the action table), as one change of one user.
 */
export function editPlanner(values: FieldValues, actions: Planner, env: ActionEnv): Planner {
  const labels = values.map((v) => `--${v.field.replace(/_/g, '-')} ${v.value ?? '""'}`);
  return {
    ...actions,
    labels: [...labels, ...actions.labels],
    actionCounters: [...labels.map(() => 'fields_changed'), ...actions.actionCounters],
    counters: ['fields_changed', ...actions.counters],
    columns: undefined,
    plan(before) {
      const set = applySetters(before, values);
      // The setters' user, not spread over `before`: a cleared field must stay cleared.
      const rest = actions.plan(set.user as StoredUser);
      if (rest.failed) return { ...rest, before, outcomes: [...labels.map((): 'failed' => 'failed'), ...rest.outcomes] };
      const changes = [...set.changes, ...rest.changes];
      const issues: Issue[] = rest.issues;
      if (changes.length > 0 && !env.isAdministrator && isRestrictedAccount(env.codes, before)) {
        return failedPlan(before, labels.length + rest.outcomes.length, {
          severity: 'error', code: RESTRICTED, message: 'restricted account: only a User Administrator may change a user holding a restricted role',
        });
      }
      const after = rest.after ?? (set.changes.length ? set.user : undefined);
      const outcomes = [...values.map((v) => (set.changes.some((c) => c.field === (v.field === 'email' ? 'emails' : v.field)) ? 'changed' as const : 'unchanged' as const)), ...rest.outcomes];
      return { ...rest, before, after: changes.length ? after : undefined, changes, issues, outcomes };
    },
  };
}

/** The bookkeeping of a job of one action on one user. */
function oneAction(label: string, counter: string): Omit<Planner, 'plan'> {
  return { labels: [label], actionCounters: [counter], counters: [counter], letterType: undefined, mayResetPasswords: false, columns: undefined };
}
