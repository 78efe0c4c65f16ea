import { isIsoDate } from '../domain/dates.js';
import { MAX_PRIMARY_ID } from '../domain/primary-id.js';
import { ACCOUNT_TYPES, RECORD_TYPES, STATUSES, USER_DEFAULTS } from '../domain/user-enums.js';
import type { LIST_FIELDS } from '../domain/user-fields.js';
import type { Email, Identifier, Phone, Role, User } from '../domain/user.js';

/**
 * The import's hand-written check of a user, run on every record instead of zod's
 * userSchema (a million safeParse calls were a sixth of an import). It vouches only for
 * what it can check exactly as userSchema does, giving the same user userSchema would
 * (trimmed text, defaults, list items rebuilt in the schema's key order); anything else
 * (a value it is unsure of, a list it does not know item by item) returns undefined and
 * the import asks userSchema, which also words the rejection. test/unit/import-check.test.ts
 * holds the two to the same answers.
 */

/** Why the hand check cannot vouch for a value: zod decides. */
export const UNSURE = Symbol('unsure');
export type Checked<T> = T | typeof UNSURE;

const CONTROL = /[\u0000-\u001f\u007f]/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const SEGMENTS = ['Internal', 'External'];

/** zod's `text`: a string, trimmed, not empty. */
function text(v: unknown): Checked<string> {
  if (typeof v !== 'string') return UNSURE;
  const t = v.trim();
  return t === '' ? UNSURE : t;
}

/** `text.optional()`. */
function optionalText(v: unknown): Checked<string | undefined> {
  return v === undefined ? undefined : text(v);
}

function optionalDate(v: unknown): Checked<string | undefined> {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') return UNSURE;
  const t = v.trim();
  return isIsoDate(t) ? t : UNSURE;
}

function choice(v: unknown, values: readonly string[], fallback: string): Checked<string> {
  if (v === undefined) return fallback;
  return typeof v === 'string' && values.includes(v) ? v : UNSURE;
}

function flag(v: unknown): Checked<boolean> {
  return v === undefined ? false : typeof v === 'boolean' ? v : UNSURE;
}

function texts(v: unknown): Checked<string[]> {
  if (v === undefined) return [];
  if (!Array.isArray(v)) return UNSURE;
  const out: string[] = [];
  for (const x of v) {
    const t = text(x);
    if (t === UNSURE) return UNSURE;
    out.push(t);
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The object of these properties in their order, those undefined left out (as JSON writes
 * it), or UNSURE if any is. Given as an object literal, not entries: a sync builds a few
 * per user, a million times.
 */
function build<T>(o: Record<string, unknown>): Checked<T> {
  let gaps = false;
  for (const k in o) {
    if (o[k] === UNSURE) return UNSURE;
    if (o[k] === undefined) gaps = true;
  }
  if (!gaps) return o as T;
  const out: Record<string, unknown> = {};
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out as T;
}

export function checkIdentifier(x: Record<string, unknown>): Checked<Identifier> {
  return build({ type: text(x.type), value: text(x.value), status: choice(x.status, STATUSES, 'ACTIVE'),
    segment: choice(x.segment, SEGMENTS, 'Internal'), note: optionalText(x.note) });
}

export function checkEmail(x: Record<string, unknown>): Checked<Email> {
  const address = typeof x.address === 'string' ? x.address.trim() : '';
  return build({ address: EMAIL.test(address) ? address : UNSURE, types: texts(x.types), preferred: flag(x.preferred),
    description: optionalText(x.description), segment: choice(x.segment, SEGMENTS, 'Internal') });
}

export function checkPhone(x: Record<string, unknown>): Checked<Phone> {
  return build({ number: text(x.number), types: texts(x.types), preferred: flag(x.preferred),
    preferred_sms: flag(x.preferred_sms), segment: choice(x.segment, SEGMENTS, 'Internal') });
}

export function checkRole(x: Record<string, unknown>): Checked<Role> {
  // Role parameters are rare: a role holding any is left to zod.
  const parameters = x.parameters === undefined || (Array.isArray(x.parameters) && x.parameters.length === 0) ? [] : UNSURE;
  return build({ role: text(x.role), scope: optionalText(x.scope), status: choice(x.status, STATUSES, 'ACTIVE'),
    parameters, expiry_date: optionalDate(x.expiry_date) });
}

const ITEMS: Partial<Record<(typeof LIST_FIELDS)[number], (x: Record<string, unknown>) => Checked<unknown>>> = {
  identifiers: checkIdentifier, emails: checkEmail, phones: checkPhone, roles: checkRole,
};

/** A list field: every item rebuilt (a copy: the import resolves codes in place), or UNSURE. */
function list(field: (typeof LIST_FIELDS)[number], v: unknown): Checked<unknown[]> {
  if (v === undefined) return [];
  if (!Array.isArray(v)) return UNSURE;
  if (field === 'rs_libraries') return texts(v);
  const item = ITEMS[field];
  if (!item) return v.length === 0 ? [] : UNSURE;
  const out: unknown[] = [];
  for (const x of v) {
    const c = isObject(x) ? item(x) : UNSURE;
    if (c === UNSURE) return UNSURE;
    out.push(c);
  }
  return out;
}

export function checkPrimaryId(v: unknown): Checked<string> {
  const t = text(v);
  return t === UNSURE || t.length > MAX_PRIMARY_ID || CONTROL.test(t) ? UNSURE : t;
}

/** Alma's mandatory fields of a new user (the user details page requires them; the primary ID is checked above). */
export const MANDATORY: [keyof User, string][] = [['first_name', 'First Name'], ['last_name', 'Last Name']];

/** Whether a new user has them: by name, since a million new users pass. */
export function hasMandatoryFields(u: User): boolean {
  return Boolean(u.first_name?.trim() && u.last_name?.trim());
}

/**
 * `merged` as userSchema would give it, or undefined when the hand check cannot vouch
 * for it (then userSchema decides, and words any rejection). Written field by field, in
 * the order of USER_SHAPE (domain/user-fields.ts), rather than as a loop over the field names: the object literal
 * has its shape from the start and every property is read and written by name, where the
 * loop's keyed reads and writes were most of a million checks.
 */
export function checkUser(m: Record<string, unknown>): User | undefined {
  const u = {
    primary_id: checkPrimaryId(m.primary_id),
    record_type: choice(m.record_type, RECORD_TYPES, USER_DEFAULTS.record_type),
    account_type: choice(m.account_type, ACCOUNT_TYPES, USER_DEFAULTS.account_type),
    external_id: optionalText(m.external_id),
    first_name: optionalText(m.first_name),
    middle_name: optionalText(m.middle_name),
    last_name: optionalText(m.last_name),
    pref_first_name: optionalText(m.pref_first_name),
    pref_middle_name: optionalText(m.pref_middle_name),
    pref_last_name: optionalText(m.pref_last_name),
    pref_name_suffix: optionalText(m.pref_name_suffix),
    user_title: optionalText(m.user_title),
    gender: optionalText(m.gender),
    birth_date: optionalDate(m.birth_date),
    user_group: optionalText(m.user_group),
    job_category: optionalText(m.job_category),
    job_description: optionalText(m.job_description),
    campus_code: optionalText(m.campus_code),
    preferred_language: optionalText(m.preferred_language),
    cataloger_level: optionalText(m.cataloger_level),
    status: choice(m.status, STATUSES, USER_DEFAULTS.status),
    status_date: optionalDate(m.status_date),
    expiry_date: optionalDate(m.expiry_date),
    purge_date: optionalDate(m.purge_date),
    force_password_change: flag(m.force_password_change),
    password_hash: optionalText(m.password_hash),
    identifiers: list('identifiers', m.identifiers),
    emails: list('emails', m.emails),
    phones: list('phones', m.phones),
    addresses: list('addresses', m.addresses),
    roles: list('roles', m.roles),
    blocks: list('blocks', m.blocks),
    notes: list('notes', m.notes),
    statistics: list('statistics', m.statistics),
    rs_libraries: list('rs_libraries', m.rs_libraries),
  } satisfies Record<keyof User, unknown>;
  for (const k in u) if (u[k as keyof typeof u] === UNSURE) return undefined;
  return u as User;
}
