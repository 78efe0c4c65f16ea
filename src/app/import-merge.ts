import { elementKey } from '../domain/jobs/changes.js';
import type { ImportRecord } from '../domain/import-record.js';
import type { Email, Identifier, Phone, Role } from '../domain/user.js';
import type { StoredUser } from '../domain/user-fields.js';

/**
 * One import record laid onto the user as it was: the fields the record states replace the
 * stored ones, those it does not mention are kept; the CSV one-value columns (email, phone,
 * barcode, roles) are laid onto the stored lists.
 */

/** What the file's roles do to the roles a user holds: add to them (merge) or replace them. */
export const ROLE_MODES = ['merge', 'replace'] as const;
export type RoleMode = (typeof ROLE_MODES)[number];

/** The one preferred entry of a list, set to `value` (others kept, no longer preferred). */
function setPreferred<T extends { preferred: boolean }>(list: T[], key: keyof T, value: string | null, make: (v: string) => T): T[] {
  const current = list.find((e) => e.preferred) ?? list[0];
  if (value === null) return list.filter((e) => e !== current);
  const same = list.find((e) => e[key] === value);
  if (same) return list.map((e) => ({ ...e, preferred: e === same }));
  if (current) return list.map((e) => (e === current ? { ...e, [key]: value, preferred: true } : { ...e, preferred: false }));
  return [...list.map((e) => ({ ...e, preferred: false })), make(value)];
}

/** The entries the CSV one-value columns add to a user that has none. */
export const newEmail = (address: string): Email => ({ address, types: [], preferred: true, segment: 'Internal' });
export const newPhone = (number: string): Phone => ({ number, types: [], preferred: true, preferred_sms: false, segment: 'Internal' });
export const newBarcode = (value: string): Identifier => ({ type: 'BARCODE', value, status: 'ACTIVE', segment: 'Internal' });

function setBarcode(list: Identifier[], value: string | null): Identifier[] {
  const i = list.findIndex((x) => x.type === 'BARCODE' && x.status === 'ACTIVE');
  if (value === null) return i < 0 ? list : list.filter((_, j) => j !== i);
  if (i >= 0) return list.map((x, j) => (j === i ? { ...x, value } : x));
  return [...list, newBarcode(value)];
}

/** The user as the record states it over `base` (undefined: a new user), not yet validated. */
export function recordOntoUser(base: StoredUser | undefined, rec: ImportRecord, passwordHash: string | undefined): Record<string, unknown> {
  const merged: Record<string, unknown> = base ? { ...base } : {};
  Object.assign(merged, rec.fields);
  if (base) merged.primary_id = base.primary_id;
  if (rec.preferredEmail !== undefined) {
    merged.emails = setPreferred((merged.emails as Email[] | undefined) ?? [], 'address', rec.preferredEmail, newEmail);
  }
  if (rec.preferredPhone !== undefined) {
    merged.phones = setPreferred((merged.phones as Phone[] | undefined) ?? [], 'number', rec.preferredPhone, newPhone);
  }
  if (rec.barcode !== undefined) merged.identifiers = setBarcode((merged.identifiers as Identifier[] | undefined) ?? [], rec.barcode);
  if (rec.roleList !== undefined) merged.roles = rec.roleList;
  if (passwordHash !== undefined) merged.password_hash = passwordHash;
  return merged;
}

/** Whether the record gives roles at all (a `roles` column, or Alma's user_role). */
export function givesRoles(rec: ImportRecord): boolean {
  return rec.roleList !== undefined || rec.fields.roles !== undefined;
}

/**
 * The roles a user ends with, from those held and those the file gives (codes resolved):
 * a role the file names as held keeps what the user holds of it (status, expiry,
 * parameters) unless the file states them (Alma JSON/XML); `merge` keeps every other held
 * role, `replace` drops them. Roles are told apart by role and scope.
 */
export function combineRoles(held: Role[], given: Role[], rec: ImportRecord, mode: RoleMode): { roles: Role[]; removed: number } {
  const stated = rec.roleList === undefined;
  const byKey = new Map(given.map((r) => [elementKey('roles', r), r]));
  const heldKeys = new Set(held.map((r) => elementKey('roles', r)));
  const kept: Role[] = [];
  let removed = 0;
  for (const h of held) {
    const g = byKey.get(elementKey('roles', h));
    if (g) kept.push(stated ? g : h);
    else if (mode === 'merge') kept.push(h);
    else removed++;
  }
  return { roles: [...kept, ...given.filter((g) => !heldKeys.has(elementKey('roles', g)))], removed };
}
