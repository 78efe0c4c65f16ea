import type { CodeTable } from '../domain/codes.js';
import { parseAlmaDate } from '../domain/dates.js';
import { clean, codeKey, readBoolean, RecordError, type ImportRecord, type SourceRef } from '../domain/import-record.js';
import { isObj, ShapeError, type Obj } from './alma-value-shape.js';

/**
 * One user in the Alma REST shape (from Alma JSON, or from Alma XML normalised to it) to an
 * import record. Lenient as fixtures/interop/README.md says: values are trimmed, empty means
 * absent, booleans come as strings, `desc` is kept only to describe codes the import may add,
 * and what is not modelled (fees, loans, proxies, researcher, notices...) is ignored.
 */

/** plain()'s answer for a value it cannot read as one text, which is not the same as empty. */
const UNREADABLE = Symbol('unreadable');

/**
 * A plain value, or a code field's value; numbers as text. An object of nothing but `desc`
 * is an empty code (Alma XML writes `<user_title desc="" />`); any other object without
 * `value`, or a list, is UNREADABLE, never empty: on an existing user empty clears the field.
 */
function plain(v: unknown): string | undefined | typeof UNREADABLE {
  if (typeof v === 'string') return clean(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === undefined || v === null) return undefined;
  if (isObj(v)) {
    if ('value' in v) return plain(v.value);
    return Object.keys(v).every((k) => k === 'desc') ? undefined : UNREADABLE;
  }
  return UNREADABLE;
}

function text(v: unknown, what: string): string | undefined {
  const t = plain(v);
  if (t === UNREADABLE) throw new ShapeError(what, v);
  return t;
}

/**
 * An ID is text: a JSON string, or a whole number taken as its digits. true, an object or a
 * list is refused (JSON "primary_id": true would otherwise make a user named "true").
 */
function idText(v: unknown, what: string): string | undefined {
  if (v === undefined || v === null || typeof v === 'string') return text(v, what);
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  const shown = typeof v === 'number' || typeof v === 'boolean' ? String(v) : Array.isArray(v) ? 'a list' : 'an object';
  const why = typeof v === 'number' ? 'is not a whole number, and an ID is text' : 'is not an ID';
  throw new RecordError(`${what}: ${shown} ${why}; write it as a JSON string`);
}

function desc(v: unknown): string | undefined {
  return isObj(v) && typeof v.desc === 'string' ? clean(v.desc) : undefined;
}

function list(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (v === undefined || v === null || v === '') return [];
  return [v];
}

function date(v: unknown, what: string): string | undefined {
  const t = text(v, what);
  if (t === undefined) return undefined;
  const d = parseAlmaDate(t);
  if (d === undefined) throw new RecordError(`${what}: "${t}" is not a date (expected YYYY-MM-DD or YYYY-MM-DDZ)`);
  return d;
}

/** A creation time as Alma writes it (2017-04-29T20:48:50.853Z, or a date), kept as written once it is a real one. */
function timestamp(v: unknown, what: string): string | undefined {
  const t = text(v, what);
  if (t !== undefined && parseAlmaDate(t) === undefined) {
    throw new RecordError(`${what}: "${t}" is not a date or time (expected YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)`);
  }
  return t;
}

function upper(v: unknown, what: string): string | undefined {
  return text(v, what)?.toUpperCase();
}

/** "internal" / "EXTERNAL" as Alma spells it: Internal, External. */
function segment(v: unknown, what: string): string | undefined {
  const t = text(v, what);
  return t === undefined ? undefined : t.charAt(0).toUpperCase() + t.slice(1).toLowerCase();
}

function values(v: unknown, what: string): string[] {
  return list(v).map((x, i) => text(x, `${what} ${i + 1}`)).filter((x): x is string => x !== undefined);
}

/** Drops undefined members, so zod's defaults apply to what the file left out. */
function compact<T extends Obj>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

const CODE_FIELDS: [field: string, table: CodeTable | undefined][] = [
  ['user_title', 'user_title'], ['user_group', 'user_group'], ['job_category', 'job_category'],
  ['campus_code', 'campus'], ['cataloger_level', 'cataloger_level'], ['gender', undefined],
  ['preferred_language', undefined],
];
const TEXT_FIELDS = [
  'first_name', 'middle_name', 'last_name', 'pref_first_name', 'pref_middle_name', 'pref_last_name',
  'pref_name_suffix', 'job_description', 'external_id',
] as const;
const ENUM_FIELDS = ['record_type', 'account_type', 'status'] as const;
const DATE_FIELDS = ['birth_date', 'status_date', 'expiry_date', 'purge_date'] as const;

export function almaUserToRecord(u: Obj, at: SourceRef): ImportRecord {
  const descs = new Map<string, string>();
  const noteDesc = (table: CodeTable, v: unknown, what: string) => {
    const code = text(v, what);
    const d = desc(v);
    if (code !== undefined && d !== undefined) descs.set(codeKey(table, code), d);
    return code;
  };
  const fields: ImportRecord['fields'] = {};
  const has = (k: string) => Object.prototype.hasOwnProperty.call(u, k);

  // Kept as written (a whole number in JSON becomes its digits): primary IDs are strings, always.
  fields.primary_id = idText(u.primary_id, 'primary_id') ?? '';
  for (const f of TEXT_FIELDS) if (has(f)) fields[f] = text(u[f], f);
  for (const f of ENUM_FIELDS) if (has(f)) fields[f] = upper(u[f], f);
  for (const [f, table] of CODE_FIELDS) if (has(f)) fields[f as 'user_group'] = table ? noteDesc(table, u[f], f) : text(u[f], f);
  for (const f of DATE_FIELDS) if (has(f)) fields[f] = date(u[f], f);
  if (has('force_password_change')) fields.force_password_change = readBoolean(u.force_password_change, 'force_password_change');

  const contact = u.contact_info;
  if (contact !== undefined && contact !== null && contact !== '') {
    const c = obj(contact, 'contact_info');
    if ('address' in c) fields.addresses = list(c.address).map((a, i) => address(a, i));
    if ('email' in c) fields.emails = list(c.email).map((e, i) => email(e, i));
    if ('phone' in c) fields.phones = list(c.phone).map((p, i) => phone(p, i));
  }
  if (has('user_identifier')) {
    fields.identifiers = list(u.user_identifier).map((x, i) => {
      const w = `user_identifier ${i + 1}`;
      const o = obj(x, w);
      return compact({
        type: noteDesc('identifier_type', o.id_type, `${w} id_type`), value: idText(o.value, `${w} value`), status: upper(o.status, `${w} status`),
        segment: segment(o.segment_type, `${w} segment_type`), note: text(o.note, `${w} note`),
      });
    });
  }
  if (has('user_role')) {
    fields.roles = list(u.user_role).map((x, i) => {
      const w = `user_role ${i + 1}`;
      const o = obj(x, w);
      return compact({
        role: noteDesc('role', o.role_type, `${w} role_type`), scope: noteDesc('library', o.scope, `${w} scope`), status: upper(o.status, `${w} status`),
        expiry_date: date(o.expiry_date, `${w} expiry_date`),
        parameters: list(o.parameter).map((p, j) => {
          const pw = `${w} parameter ${j + 1}`;
          const q = obj(p, pw);
          return compact({ type: text(q.type, `${pw} type`), value: text(q.value, `${pw} value`), scope: text(q.scope, `${pw} scope`) });
        }),
      });
    });
  }
  if (has('user_block')) {
    fields.blocks = list(u.user_block).map((x, i) => {
      const w = `user_block ${i + 1}`;
      const o = obj(x, w);
      return compact({
        type: text(o.block_type, `${w} block_type`), description: noteDesc('block_description', o.block_description, `${w} block_description`),
        status: upper(o.block_status, `${w} block_status`), note: text(o.block_note, `${w} block_note`), created: timestamp(o.created_date, `${w} created_date`),
        expiry_date: date(o.expiry_date, `${w} expiry_date`), segment: segment(o.segment_type, `${w} segment_type`),
      });
    });
  }
  if (has('user_note')) {
    fields.notes = list(u.user_note).map((x, i) => {
      const w = `user_note ${i + 1}`;
      const o = obj(x, w);
      return compact({
        type: noteDesc('note_type', o.note_type, `${w} note_type`), text: text(o.note_text, `${w} note_text`),
        user_viewable: readBoolean(o.user_viewable, `${w} user_viewable`), popup: readBoolean(o.popup_note, `${w} popup_note`),
        created: timestamp(o.created_date, `${w} created_date`), created_by: text(o.created_by, `${w} created_by`), segment: segment(o.segment_type, `${w} segment_type`),
      });
    });
  }
  if (has('user_statistic')) {
    fields.statistics = list(u.user_statistic).map((x, i) => {
      const w = `user_statistic ${i + 1}`;
      const o = obj(x, w);
      return compact({
        category: noteDesc('statistic_category', o.statistic_category, `${w} statistic_category`), type: text(o.category_type, `${w} category_type`),
        note: text(o.statistic_note, `${w} statistic_note`), segment: segment(o.segment_type, `${w} segment_type`),
      });
    });
  }
  if (has('rs_library')) {
    fields.rs_libraries = list(u.rs_library)
      .map((x, i) => noteDesc('rs_library', isObj(x) && 'code' in x ? x.code : x, `rs_library ${i + 1}`))
      .filter((x): x is string => x !== undefined);
  }

  const record: ImportRecord = { at, fields, descs };
  const password = u.password;
  // A password is taken as written (spaces may be part of it); empty means none given. One
  // that is not text is refused, not skipped: the user would keep a password they were told had changed.
  if (password !== undefined && password !== null && typeof password !== 'string') throw new ShapeError('password', password, true);
  if (typeof password === 'string' && password !== '') record.password = password;
  return record;
}

function obj(v: unknown, what: string): Obj {
  if (!isObj(v)) throw new RecordError(`${what}: expected an object`);
  return v;
}

function address(v: unknown, i: number): Obj {
  const w = `address ${i + 1}`;
  const o = obj(v, w);
  const t = (k: string) => text(o[k], `${w} ${k}`);
  return compact({
    line1: t('line1'), line2: t('line2'), line3: t('line3'), line4: t('line4'), line5: t('line5'),
    city: t('city'), state_province: t('state_province'), postal_code: t('postal_code'),
    country: t('country'), address_note: t('address_note'),
    start_date: date(o.start_date, `${w} start_date`), end_date: date(o.end_date, `${w} end_date`),
    types: values(o.address_type, `${w} address_type`), preferred: readBoolean(o.preferred, `${w} preferred`), segment: segment(o.segment_type, `${w} segment_type`),
  });
}

function email(v: unknown, i: number): Obj {
  const w = `email ${i + 1}`;
  const o = obj(v, w);
  return compact({
    address: text(o.email_address, `${w} email_address`), types: values(o.email_type, `${w} email_type`),
    preferred: readBoolean(o.preferred, `${w} preferred`), description: text(o.description, `${w} description`),
    segment: segment(o.segment_type, `${w} segment_type`),
  });
}

function phone(v: unknown, i: number): Obj {
  const w = `phone ${i + 1}`;
  const o = obj(v, w);
  return compact({
    number: text(o.phone_number, `${w} phone_number`), types: values(o.phone_type, `${w} phone_type`),
    preferred: readBoolean(o.preferred, `${w} preferred`),
    preferred_sms: readBoolean(o.preferred_sms, `${w} preferred_sms`), segment: segment(o.segment_type, `${w} segment_type`),
  });
}

/** What a record looks like to a person: its primary_id when it has one. */
export function almaPrimaryId(u: unknown): string | undefined {
  const id = isObj(u) ? plain(u.primary_id) : undefined;
  return id === UNREADABLE ? undefined : id;
}

export function isAlmaUserObject(u: unknown): u is Obj {
  return isObj(u) && 'primary_id' in u;
}

/** Alma's GET /users returns at most this many users a page. */
const ALMA_PAGE = 100;

/** The warning for an Alma page whose total_record_count is more than the users it holds. */
export function partialPage(file: string, users: number, total: number): string {
  return `${file} holds ${users} of the ${total} users of its result (total_record_count): Alma returns at most ` +
    `${ALMA_PAGE} a page, so fetch every page (offset=0, ${ALMA_PAGE}, ${2 * ALMA_PAGE}...) and import them all`;
}
