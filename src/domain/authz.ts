import type { CodeBook } from './codes.js';
import { today as todayOf } from './dates.js';
import { PermissionError, UsageError } from './errors.js';
import type { User } from './user.js';
import type { StoredUser } from './user-fields.js';

/**
 * Who may do what, as in Alma. Identity is declared (like git's author); the store file's
 * permissions are the access boundary. What this enforces is Alma's role model, so that a
 * script run by a User Manager cannot do what Alma would not let that person do.
 */

export const USER_MANAGER = 'user-manager';
export const USER_ADMINISTRATOR = 'user-administrator';

export interface Operator {
  user: StoredUser;
  isAdministrator: boolean;
}

export function holdsActiveRole(user: Pick<User, 'roles'>, role: string, today: string): boolean {
  return user.roles.some(
    (r) => r.role === role && r.status === 'ACTIVE' && (r.expiry_date === undefined || r.expiry_date >= today),
  );
}

/**
 * The staff user named by --operator / ALMA_USERS_OPERATOR, checked to be an active user
 * who holds User Manager or User Administrator. `find` looks a primary ID up in the store.
 */
export function resolveOperator(find: (id: string) => StoredUser | undefined, id: string | undefined, now = new Date()): Operator {
  if (!id) {
    throw new UsageError(
      'this command needs an operator',
      'name the staff user who acts: --operator ID, or export ALMA_USERS_OPERATOR=ID',
    );
  }
  const user = find(id);
  if (!user) {
    throw new PermissionError(`operator ${id} is not a user in this store`, 'name an existing staff user with --operator');
  }
  const today = todayOf(now);
  if (user.status !== 'ACTIVE' || (user.expiry_date !== undefined && user.expiry_date < today)) {
    throw new PermissionError(`operator ${user.primary_id} is not an active user`);
  }
  const isAdministrator = holdsActiveRole(user, USER_ADMINISTRATOR, today);
  if (!isAdministrator && !holdsActiveRole(user, USER_MANAGER, today)) {
    throw new PermissionError(
      `operator ${user.primary_id} lacks the User Manager or User Administrator role`,
      'an operator holding User Administrator can add it: alma-users job run update-notify --add-role user-manager ...',
    );
  }
  return { user, isAdministrator };
}

/** Code tables, and restricted accounts, are for User Administrators only. */
export function requireAdministrator(op: Operator, what: string): void {
  if (!op.isAdministrator) {
    throw new PermissionError(`${what} needs the User Administrator role; operator ${op.user.primary_id} holds User Manager only`);
  }
}

/** Roles only a User Administrator may grant or remove (user-manager, user-administrator, ...). */
export function isRestrictedRole(codes: CodeBook, role: string): boolean {
  return codes.get('role', role)?.attrs.restricted === true;
}

/** A user holding a restricted role: only a User Administrator may change it. */
export function isRestrictedAccount(codes: CodeBook, user: Pick<User, 'roles'>): boolean {
  return user.roles.some((r) => isRestrictedRole(codes, r.role));
}
