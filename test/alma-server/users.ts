import { bad, isObject, type Json } from './http.js';

/**
 * The fields of an EXTERNAL user that a PUT does not replace when they were edited in Alma
 * or arrive empty, unless named in override= (Dev, PUT /users/{id}); name in override= ->
 * key in the JSON record.
 */
export const PROTECTED: Record<string, string> = {
  user_group: 'user_group', job_category: 'job_category', pin_number: 'pin_number',
  preferred_language: 'preferred_language', campus_code: 'campus_code', rs_libraries: 'rs_library',
  user_title: 'user_title', library_notices: 'library_notice', pref_first_name: 'pref_first_name',
  pref_middle_name: 'pref_middle_name', pref_last_name: 'pref_last_name', cataloger_level: 'cataloger_level',
};

/** One user as the server holds it. */
export interface StoredUser {
  user: Json;
  /** The password is write-only in Alma: GET answers "". */
  password: string | null;
  /** Protected fields changed "in Alma" (by the harness, as a librarian would in the UI). */
  editedInAlma: Set<string>;
}

const clone = <T>(v: T): T => structuredClone(v);
const codeValue = (v: unknown): string => (isObject(v) ? String(v.value ?? '') : '');

export function isEmptyValue(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObject(v) && 'value' in v) return v.value === null || v.value === undefined || v.value === '';
  return false;
}

export class UserStore {
  private byId = new Map<string, StoredUser>();
  /** Bumped on every change, so that a listing can be cached between changes. */
  version = 0;

  constructor(private base: () => string) {}

  size(): number {
    return this.byId.size;
  }

  all(): StoredUser[] {
    return [...this.byId.values()];
  }

  /** By primary ID (case-insensitive, as Alma) or, as user_id_type=all_unique, any identifier value. */
  find(id: string): StoredUser | undefined {
    const direct = this.byId.get(id.toLowerCase());
    if (direct) return direct;
    const lower = id.toLowerCase();
    return this.all().find((s) =>
      (Array.isArray(s.user.user_identifier) ? (s.user.user_identifier as Json[]) : [])
        .some((i) => String(i.value ?? '').toLowerCase() === lower));
  }

  /** The record as GET /users/{id} answers it. */
  view(s: StoredUser): Json {
    const u = clone(s.user);
    u.password = '';
    u.full_name = [u.first_name, u.middle_name, u.last_name].filter((x) => typeof x === 'string' && x !== '').join(' ');
    u.link = `${this.base()}/users/${encodeURIComponent(String(u.primary_id))}`;
    return u;
  }

  seed(user: Json): void {
    const id = String(user.primary_id ?? '');
    if (id === '') throw new Error('seedUsers: a user without primary_id');
    const u = clone(user);
    const password = typeof u.password === 'string' && u.password !== '' ? u.password : null;
    delete u.password;
    this.byId.set(id.toLowerCase(), { user: u, password, editedInAlma: new Set() });
    this.version++;
  }

  /** A change made "in Alma" (the UI): protected fields it touches keep their value against a PUT. */
  editInAlma(id: string, change: Json | ((u: Json) => void)): void {
    const s = this.find(id);
    if (!s) throw new Error(`editInAlma: no user ${id}`);
    const before = clone(s.user);
    if (typeof change === 'function') change(s.user);
    else Object.assign(s.user, clone(change));
    for (const [name, key] of Object.entries(PROTECTED)) {
      if (JSON.stringify(before[key]) !== JSON.stringify(s.user[key])) s.editedInAlma.add(name);
    }
    this.version++;
  }

  remove(id: string): boolean {
    const s = this.find(id);
    if (!s) return false;
    this.byId.delete(String(s.user.primary_id).toLowerCase());
    this.version++;
    return true;
  }

  /** PUT /users/{id}: swap all, with Alma's exceptions (roles kept when absent; protected fields of external users). */
  put(id: string, body: unknown, override: Set<string>): Json {
    const s = this.find(id);
    if (!s) throw bad('401890', `User with identifier ${id} of type all_unique was not found.`);
    if (!isObject(body)) throw bad('401676', 'No valid XML was given.');
    const old = s.user;
    const external = codeValue(old.account_type) === 'EXTERNAL';
    if (external && codeValue(body.account_type) === 'INTERNAL') {
      // The API cannot make an external user internal; only the Update/Notify Users job can.
      throw bad('401859', 'Action currently not supported.');
    }
    const oldExt = String(old.external_id ?? '');
    if (external && typeof body.external_id === 'string' && body.external_id !== '' && body.external_id !== oldExt) {
      throw bad('401858', 'The external id in DB does not fit the given value in xml - external id cannot be updated.');
    }
    for (const name of override) {
      if (!PROTECTED[name]) throw bad('40166410', `Invalid parameter value: override=${name}.`);
    }
    const password = this.checkPassword(body);
    const next = clone(body);
    delete next.password;
    delete next.full_name;
    delete next.link;
    // Mandatory fields a whole record always has: a body without them keeps the stored ones.
    for (const key of ['primary_id', 'record_type', 'account_type']) if (isEmptyValue(next[key])) next[key] = clone(old[key]);
    if (external && isEmptyValue(next.external_id)) next.external_id = oldExt;
    if (!('user_role' in body)) next.user_role = clone(old.user_role ?? []);
    if (external) {
      for (const [name, key] of Object.entries(PROTECTED)) {
        if (override.has(name)) s.editedInAlma.delete(name);
        else if (s.editedInAlma.has(name) || isEmptyValue(next[key])) {
          if (old[key] === undefined) delete next[key];
          else next[key] = clone(old[key]);
        }
      }
    }
    const newId = String(next.primary_id);
    if (newId.toLowerCase() !== String(old.primary_id).toLowerCase()) {
      if (this.byId.has(newId.toLowerCase())) throw bad('401851', `User with identifier ${newId} of type primary_id already exists.`);
      this.byId.delete(String(old.primary_id).toLowerCase());
      this.byId.set(newId.toLowerCase(), s);
    }
    s.user = next;
    if (password !== null) s.password = password;
    this.version++;
    return this.view(s);
  }

  /** POST /users with the checks Alma documents. */
  create(body: unknown): Json {
    if (!isObject(body)) throw bad('401676', 'No valid XML was given.');
    for (const key of ['primary_id', 'last_name', 'account_type']) {
      if (isEmptyValue(body[key])) throw bad('401664', `Mandatory field is missing: ${key}`);
    }
    const id = String(body.primary_id);
    const identifiers = (Array.isArray(body.user_identifier) ? (body.user_identifier as Json[]) : []).map((i) => String(i.value ?? ''));
    for (const value of [id, ...identifiers]) {
      if (this.find(value)) throw bad('401851', `User with identifier ${value} already exists.`);
    }
    const type = codeValue(body.account_type);
    if (type !== 'INTERNAL' && type !== 'EXTERNAL') throw bad('401857', 'The given user account type is illegal (must be INTERNAL/EXTERNAL).');
    if (type === 'INTERNAL' && !isEmptyValue(body.external_id)) throw bad('401853', 'External Id must be empty for internal user.');
    if (type === 'EXTERNAL' && isEmptyValue(body.external_id)) throw bad('401854', 'External Id must be given for external user.');
    const password = this.checkPassword(body);
    const user = clone(body);
    delete user.password;
    const s: StoredUser = { user, password, editedInAlma: new Set() };
    this.byId.set(id.toLowerCase(), s);
    this.version++;
    return this.view(s);
  }

  private checkPassword(body: Json): string | null {
    if (typeof body.password !== 'string' || body.password === '') return null;
    if (body.password.length < 8) {
      throw bad('500038', 'New password must be at least 8 characters long and must not include the user-name or any commonly used password.');
    }
    return body.password;
  }
}
