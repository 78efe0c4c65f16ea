import { describe, expect, it } from 'vitest';
import { holdsActiveRole, requireAdministrator, resolveOperator, USER_ADMINISTRATOR, USER_MANAGER } from '../../src/domain/authz.js';
import { PermissionError, UsageError } from '../../src/domain/errors.js';
import type { StoredUser } from '../../src/domain/user-fields.js';

const NOW = new Date('2026-03-01T12:00:00Z');

type Role = StoredUser['roles'][number];

function role(name: string, status: Role['status'] = 'ACTIVE', expiry_date?: string): Role {
  return { role: name, status, parameters: [], ...(expiry_date ? { expiry_date } : {}) };
}

/** A staff user holding User Manager; only the fields the rules read matter here. */
function staff(primary_id: string, over: Partial<StoredUser> = {}): StoredUser {
  return { primary_id, status: 'ACTIVE', roles: [role(USER_MANAGER)], ...over } as StoredUser;
}

function lookup(...users: StoredUser[]): (id: string) => StoredUser | undefined {
  return (id) => users.find((u) => u.primary_id === id);
}

describe('resolveOperator', () => {
  it('needs an operator to be named: a usage error with the fix', () => {
    expect(() => resolveOperator(lookup(), undefined, NOW)).toThrow(UsageError);
    expect(() => resolveOperator(lookup(), '', NOW)).toThrow(/needs an operator/);
  });

  it('refuses an operator who is not a user', () => {
    expect(() => resolveOperator(lookup(), 'nobody', NOW)).toThrow(PermissionError);
    expect(() => resolveOperator(lookup(), 'nobody', NOW)).toThrow('operator nobody is not a user in this store');
  });

  it('refuses an inactive or expired user', () => {
    expect(() => resolveOperator(lookup(staff('a', { status: 'INACTIVE' })), 'a', NOW)).toThrow(/not an active user/);
    expect(() => resolveOperator(lookup(staff('a', { expiry_date: '2026-02-28' })), 'a', NOW)).toThrow(/not an active user/);
    expect(resolveOperator(lookup(staff('a', { expiry_date: '2026-03-01' })), 'a', NOW).user.primary_id).toBe('a');
  });

  it('refuses a user without an active User Manager or User Administrator role', () => {
    const patron = staff('p', { roles: [role('patron')] });
    const lapsed = staff('l', { roles: [role(USER_MANAGER, 'ACTIVE', '2026-01-01')] });
    const inactive = staff('i', { roles: [role(USER_ADMINISTRATOR, 'INACTIVE')] });
    for (const u of [patron, lapsed, inactive]) {
      expect(() => resolveOperator(lookup(u), u.primary_id, NOW)).toThrow(/lacks the User Manager or User Administrator role/);
    }
  });

  it('knows a User Manager from a User Administrator', () => {
    const admin = staff('adm', { roles: [role(USER_ADMINISTRATOR)] });
    expect(resolveOperator(lookup(admin), 'adm', NOW).isAdministrator).toBe(true);
    expect(resolveOperator(lookup(staff('mgr')), 'mgr', NOW).isAdministrator).toBe(false);
  });
});

describe('requireAdministrator', () => {
  it('lets an administrator through and refuses a manager, naming what was asked', () => {
    const admin = resolveOperator(lookup(staff('adm', { roles: [role(USER_ADMINISTRATOR)] })), 'adm', NOW);
    const manager = resolveOperator(lookup(staff('mgr')), 'mgr', NOW);
    expect(() => requireAdministrator(admin, 'changing code tables')).not.toThrow();
    expect(() => requireAdministrator(manager, 'changing code tables')).toThrow(
      'changing code tables needs the User Administrator role; operator mgr holds User Manager only',
    );
  });
});

describe('holdsActiveRole', () => {
  it('counts a role active through its expiry day', () => {
    const user = { roles: [role('cataloger', 'ACTIVE', '2026-03-01')] };
    expect(holdsActiveRole(user, 'cataloger', '2026-03-01')).toBe(true);
    expect(holdsActiveRole(user, 'cataloger', '2026-03-02')).toBe(false);
    expect(holdsActiveRole(user, 'patron', '2026-03-01')).toBe(false);
  });
});
