import type { CodeBook } from '../codes.js';
import { isRestrictedRole } from '../authz.js';
import type { Block, Note, Role, Statistic, User } from '../user.js';
import { elementKey, type FieldChange } from './changes.js';

/**
 * The update/notify actions. Each is a small pure function from a user to what it would do
 * to that user: a changed copy with the field changes, "unchanged", or an error. The
 * engine and the dry run share them, so a preview is exactly what the job would do. Which
 * option asks for which action, and the counter it adds to, is action-table.ts.
 */

/** A role with its library scope, if any: `--add-role license-viewer@MAIN`. */
export interface RoleRef {
  role: string;
  scope?: string | undefined;
}

export function roleText(r: RoleRef): string {
  return r.scope ? `${r.role}@${r.scope}` : r.role;
}

export interface ActionEnv {
  /** Today's date where the job runs (status and block dates). */
  today: string;
  /** The operator's primary ID (a note's author). */
  operator: string;
  isAdministrator: boolean;
  codes: CodeBook;
}

export type ActionResult =
  | { outcome: 'unchanged' }
  | { outcome: 'changed'; user: User; changes: FieldChange[]; resetPassword?: boolean }
  | { outcome: 'error'; code: string; message: string };

export interface Action {
  /** The action as its command-line option, e.g. "--add-role license-viewer@MAIN". */
  label: string;
  /** The user columns it reads and writes. */
  columns: string[];
  apply(user: User, env: ActionEnv): ActionResult;
}

const UNCHANGED: ActionResult = { outcome: 'unchanged' };

export const RESTRICTED = 'restricted-account';

function restrictedRoleError(role: string, verb: string): ActionResult {
  return { outcome: 'error', code: RESTRICTED, message: `restricted account: only a User Administrator may ${verb} the ${role} role` };
}

function isActive(x: { status: string; expiry_date?: string | undefined }, today: string): boolean {
  return x.status === 'ACTIVE' && (x.expiry_date === undefined || x.expiry_date >= today);
}

export function addRole(ref: RoleRef): Action {
  const key = roleText(ref);
  return {
    label: `--add-role ${key}`,
    columns: ['roles'],
    apply(user, env) {
      if (!env.isAdministrator && isRestrictedRole(env.codes, ref.role)) return restrictedRoleError(ref.role, 'add');
      const i = user.roles.findIndex((r) => r.role === ref.role && r.scope === ref.scope);
      const existing = user.roles[i];
      if (existing && isActive(existing, env.today)) return UNCHANGED;
      const roles = [...user.roles];
      if (existing) {
        // Held but inactive or expired: adding it again means making it usable again.
        const { expiry_date: _expired, ...rest } = existing;
        const after: Role = { ...rest, status: 'ACTIVE' };
        roles[i] = after;
        return { outcome: 'changed', user: { ...user, roles }, changes: [{ field: 'roles', key, before: existing, after }] };
      }
      const added: Role = { role: ref.role, ...(ref.scope ? { scope: ref.scope } : {}), status: 'ACTIVE', parameters: [] };
      roles.push(added);
      return { outcome: 'changed', user: { ...user, roles }, changes: [{ field: 'roles', key, before: null, after: added }] };
    },
  };
}

/** Without a scope, the role goes in every scope the user holds it in. */
export function removeRole(ref: RoleRef): Action {
  return {
    label: `--remove-role ${roleText(ref)}`,
    columns: ['roles'],
    apply(user, env) {
      const gone = (r: Role) => r.role === ref.role && (ref.scope === undefined || r.scope === ref.scope);
      if (!user.roles.some(gone)) return UNCHANGED;
      if (!env.isAdministrator && isRestrictedRole(env.codes, ref.role)) return restrictedRoleError(ref.role, 'remove');
      return {
        outcome: 'changed',
        user: { ...user, roles: user.roles.filter((r) => !gone(r)) },
        changes: user.roles.filter(gone).map((r) => ({ field: 'roles', key: elementKey('roles', r), before: r, after: null })),
      };
    },
  };
}

export type ScalarField = 'user_group' | 'job_category' | 'job_description' | 'campus_code' | 'user_title' | 'cataloger_level' | 'expiry_date' | 'purge_date';

export function setScalar(field: ScalarField, value: string, option: string): Action {
  return {
    label: `${option} ${value}`,
    columns: [field],
    apply(user) {
      if (user[field] === value) return UNCHANGED;
      return { outcome: 'changed', user: { ...user, [field]: value }, changes: [{ field, before: user[field] ?? null, after: value }] };
    },
  };
}

export function setStatus(status: 'ACTIVE' | 'INACTIVE'): Action {
  return {
    label: `--status ${status.toLowerCase()}`,
    columns: ['status', 'status_date'],
    apply(user, env) {
      if (user.status === status) return UNCHANGED;
      const changes: FieldChange[] = [{ field: 'status', before: user.status, after: status }];
      if (user.status_date !== env.today) changes.push({ field: 'status_date', before: user.status_date ?? null, after: env.today });
      return { outcome: 'changed', user: { ...user, status, status_date: env.today }, changes };
    },
  };
}

export function addBlock(code: string, note: string | undefined): Action {
  return {
    label: `--add-block ${code}${note ? `:${note}` : ''}`,
    columns: ['blocks'],
    apply(user, env) {
      const i = user.blocks.findIndex((b) => b.description === code);
      const existing = user.blocks[i];
      if (existing && isActive(existing, env.today)) return UNCHANGED;
      const blocks = [...user.blocks];
      if (existing) {
        const { expiry_date: _expired, ...rest } = existing;
        const after: Block = { ...rest, status: 'ACTIVE', ...(note ? { note } : {}) };
        blocks[i] = after;
        return { outcome: 'changed', user: { ...user, blocks }, changes: [{ field: 'blocks', key: code, before: existing, after }] };
      }
      const added: Block = { type: 'GENERAL', description: code, status: 'ACTIVE', ...(note ? { note } : {}), created: env.today, segment: 'Internal' };
      blocks.push(added);
      return { outcome: 'changed', user: { ...user, blocks }, changes: [{ field: 'blocks', key: code, before: null, after: added }] };
    },
  };
}

/** Removes from a keyed list every element whose key is `key`. */
export function removeElements<F extends 'blocks' | 'statistics'>(field: F, key: string, option: string): Action {
  return {
    label: `${option} ${key}`,
    columns: [field],
    apply(user) {
      const list = user[field] as (Block | Statistic)[];
      const gone = list.filter((e) => elementKey(field, e) === key);
      if (gone.length === 0) return UNCHANGED;
      return {
        outcome: 'changed',
        user: { ...user, [field]: list.filter((e) => elementKey(field, e) !== key) },
        changes: gone.map((e) => ({ field, key, before: e, after: null })),
      };
    },
  };
}

export function addNote(text: string, type: string, userViewable: boolean): Action {
  return {
    label: `--add-note ${JSON.stringify(text)}${type !== 'GENERAL' ? ` --note-type ${type}` : ''}${userViewable ? ' --note-user-viewable' : ''}`,
    columns: ['notes'],
    apply(user, env) {
      // The same note twice says nothing more, and a rerun of a job must not pile them up.
      if (user.notes.some((n) => n.type === type && n.text === text)) return UNCHANGED;
      const note: Note = { type, text, user_viewable: userViewable, popup: false, created: env.today, created_by: env.operator, segment: 'Internal' };
      return { outcome: 'changed', user: { ...user, notes: [...user.notes, note] }, changes: [{ field: 'notes', key: elementKey('notes', note), before: null, after: note }] };
    },
  };
}

export function addStatistic(category: string): Action {
  return {
    label: `--add-statistic ${category}`,
    columns: ['statistics'],
    apply(user) {
      if (user.statistics.some((s) => s.category === category)) return UNCHANGED;
      const added: Statistic = { category, segment: 'Internal' };
      return { outcome: 'changed', user: { ...user, statistics: [...user.statistics, added] }, changes: [{ field: 'statistics', key: category, before: null, after: added }] };
    },
  };
}

export function addRsLibrary(code: string): Action {
  return {
    label: `--add-rs-library ${code}`,
    columns: ['rs_libraries'],
    apply(user) {
      if (user.rs_libraries.includes(code)) return UNCHANGED;
      return { outcome: 'changed', user: { ...user, rs_libraries: [...user.rs_libraries, code] }, changes: [{ field: 'rs_libraries', key: code, before: null, after: code }] };
    },
  };
}

export function removeRsLibrary(code: string): Action {
  return {
    label: `--remove-rs-library ${code}`,
    columns: ['rs_libraries'],
    apply(user) {
      if (!user.rs_libraries.includes(code)) return UNCHANGED;
      return { outcome: 'changed', user: { ...user, rs_libraries: user.rs_libraries.filter((c) => c !== code) }, changes: [{ field: 'rs_libraries', key: code, before: code, after: null }] };
    },
  };
}

/** External to internal: the SIS no longer owns the account; the password is reset unless told not to. */
export function convertToInternal(resetPassword: boolean): Action {
  return {
    label: `--convert-to internal${resetPassword ? '' : ' --no-password-reset'}`,
    columns: ['account_type', 'external_id', 'force_password_change', 'password_hash'],
    apply(user) {
      if (user.account_type === 'INTERNAL') return UNCHANGED;
      const { external_id: _gone, ...rest } = user;
      const changes: FieldChange[] = [{ field: 'account_type', before: 'EXTERNAL', after: 'INTERNAL' }];
      if (user.external_id !== undefined) changes.push({ field: 'external_id', before: user.external_id, after: null });
      return { outcome: 'changed', user: { ...rest, account_type: 'INTERNAL' }, changes, resetPassword };
    },
  };
}

export function convertToExternal(externalId: string): Action {
  return {
    label: `--convert-to external --external-id ${externalId}`,
    columns: ['account_type', 'external_id'],
    apply(user) {
      if (user.account_type === 'EXTERNAL' && user.external_id === externalId) return UNCHANGED;
      const changes: FieldChange[] = [];
      if (user.account_type !== 'EXTERNAL') changes.push({ field: 'account_type', before: user.account_type, after: 'EXTERNAL' });
      changes.push({ field: 'external_id', before: user.external_id ?? null, after: externalId });
      return { outcome: 'changed', user: { ...user, account_type: 'EXTERNAL', external_id: externalId }, changes };
    },
  };
}
