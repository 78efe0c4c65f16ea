import { holdsActiveRole, USER_ADMINISTRATOR, USER_MANAGER } from '../authz.js';
import { type ActionEnv } from './actions.js';
import { failedPlan, type Planner } from './plan.js';
import { deletePlan, restrictedRecord } from './records.js';

/**
 * `job run purge`: deletes users for good, as Alma's purge does, but keeps each record
 * (store/user-records.ts) for purge.keep_days days so that `job undo` creates it again.
 * An operator (a user holding User Manager or User Administrator) is never purged: a purge
 * must not lock the library out of its own store.
 */

export const OPERATOR_ROLES = [USER_MANAGER, USER_ADMINISTRATOR] as const;

/** Kept records of deleted users are removed by the next purge after this many days, unless purge.keep_days says otherwise. */
export const DEFAULT_KEEP_DAYS = 90;

export interface PurgeParams {
  /** true: the users whose purge date has passed; false: the set's members. */
  due: boolean;
  /** The day the job was submitted (what --due compares to). */
  today: string;
}

export function purgePlanner(env: ActionEnv): Planner {
  return {
    labels: ['purge'],
    actionCounters: ['users_purged'],
    counters: ['users_purged', 'operators_kept'],
    letterType: undefined,
    mayResetPasswords: false,
    // The whole record is kept for an undo.
    columns: undefined,
    plan(user) {
      const role = OPERATOR_ROLES.find((r) => user.roles.some((x) => x.role === r));
      if (role) {
        const active = holdsActiveRole(user, role, env.today) ? '' : ' (inactive)';
        return {
          ...failedPlan(user, 1, { severity: 'warning', code: 'operator', message: `holds the ${role} role${active}: operators are never purged` }),
          failed: false, outcomes: ['unchanged'], extra: { operators_kept: 1 },
        };
      }
      const refused = restrictedRecord(user, env, 'purge');
      if (refused) return failedPlan(user, 1, refused);
      return deletePlan(user);
    },
  };
}
