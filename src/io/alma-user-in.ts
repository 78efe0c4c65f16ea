import type { CodeTable } from '../domain/codes.js';
import { parseAlmaDate } from '../domain/dates.js';
import { clean, codeKey, readBoolean, RecordError, type ImportRecord, type SourceRef } from '../domain/import-record.js';

/**
 * One user in the Alma REST shape (from Alma JSON, or from Alma XML normalised to it) to an
 * import record. Lenient as fixtures/interop/README.md says: values are trimmed, empty means
 * absent, booleans come as strings, `desc` is kept only to describe codes the import may add,
 * and what is not modelled (fees, loans, proxies, researcher, notices...) is ignored.
 */

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A plain value, or a code field's value; numbers as text. */
function text(v: unknown): string | undefined {
  if (isObj(v)) return text(v.value);
  if (typeof v === 'string') return clean(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/**
 * An ID is text: a JSON string, or a whole number taken as its digits. true, an object or a
 * list is refused (JSON "primary_id": true would otherwise make a user named "true").
 */
function idText(v: unknown, what: string): string | undefined {
  if (v === undefined || v === null || typeof v === 'string') return text(v);
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
  const t = text(v);
  if (t === undefined) return undefined;
  const d = parseAlmaDate(t);
  if (d === undefined) throw new RecordError(`${what}: "${t}" is not a date (expected YYYY-MM-DD or YYYY-MM-DDZ)`);
  return d;
}

/** A creation time as Alma writes it (2017-04-29T20:48:50.853Z, or a date), kept as written once it is a real one. */
function timestamp(v: unknown, what: string): string | undefined {
  const t = text(v);
  if (t !== undefined && parseAlmaDate(t) === undefined) {
    throw new RecordError(`${what}: "${t}" is not a date or time (expected YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)`);
  }
  return t;
}

function upper(v: unknown): string | undefined {
  return text(v)?.toUpperCase();
}

/** "internal" / "EXTERNAL" as Alma spells it: Internal, External. */
function segment(v: unknown): string | undefined {
  const t = text(v);
  return t === undefined ? undefined : t.charAt(0).toUpperCase() + t.slice(1).toLowerCase();
}

function values(v: unknown): string[] {
  return list(v).map(text).filter((x): x is string => x !== undefined);
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
  const noteDesc = (table: CodeTable, v: unknown) => {
    const code = text(v);
    const d = desc(v);
    if (code !== undefined && d !== undefined) descs.set(codeKey(table, code), d);
    return code;
  };
  const fields: ImportRecord['fields'] = {};
  const has = (k: string) => Object.prototype.hasOwnProperty.call(u, k);

  // Kept as written (a whole number in JSON becomes its digits): primary IDs are strings, always.
  fields.primary_id = idText(u.primary_id, 'primary_id') ?? '';
  for (const f of TEXT_FIELDS) if (has(f)) fields[f] = text(u[f]);
  for (const f of ENUM_FIELDS) if (has(f)) fields[f] = upper(u[f]);
  for (const [f, table] of CODE_FIELDS) if (has(f)) fields[f as 'user_group'] = table ? noteDesc(table, u[f]) : text(u[f]);
  for (const f of DATE_FIELDS) if (has(f)) fields[f] = date(u[f], f);
  if (has('force_password_change')) fields.force_password_change = readBoolean(u.force_password_change, 'force_password_change');

  const contact = u.contact_info;
  if (isObj(contact)) {
    if ('address' in contact) fields.addresses = list(contact.address).map((a, i) => address(a, i));
    if ('email' in contact) fields.emails = list(contact.email).map((e, i) => email(e, i));
    if ('phone' in contact) fields.phones = list(contact.phone).map((p, i) => phone(p, i));
  }
  if (has('user_identifier')) {
    fields.identifiers = list(u.user_identifier).map((x, i) => {
      const o = obj(x, `user_identifier ${i + 1}`);
      return compact({
        type: noteDesc('identifier_type', o.id_type), value: idText(o.value, `user_identifier ${i + 1} value`), status: upper(o.status),
        segment: segment(o.segment_type), note: text(o.note),
      });
    });
  }
  if (has('user_role')) {
    fields.roles = list(u.user_role).map((x, i) => {
      const o = obj(x, `user_role ${i + 1}`);
      return compact({
        role: noteDesc('role', o.role_type), scope: noteDesc('library', o.scope), status: upper(o.status),
        expiry_date: date(o.expiry_date, `user_role ${i + 1} expiry_date`),
        parameters: list(o.parameter).map((p, j) => {
          const q = obj(p, `user_role ${i + 1} parameter ${j + 1}`);
          return compact({ type: text(q.type), value: text(q.value), scope: text(q.scope) });
        }),
      });
    });
  }
  if (has('user_block')) {
    fields.blocks = list(u.user_block).map((x, i) => {
      const o = obj(x, `user_block ${i + 1}`);
      return compact({
        type: text(o.block_type), description: noteDesc('block_description', o.block_description),
        status: upper(o.block_status), note: text(o.block_note), created: timestamp(o.created_date, `user_block ${i + 1} created_date`),
        expiry_date: date(o.expiry_date, `user_block ${i + 1} expiry_date`), segment: segment(o.segment_type),
      });
    });
  }
  if (has('user_note')) {
    fields.notes = list(u.user_note).map((x, i) => {
      const o = obj(x, `user_note ${i + 1}`);
      return compact({
        type: noteDesc('note_type', o.note_type), text: text(o.note_text),
        user_viewable: readBoolean(o.user_viewable, `user_note ${i + 1} user_viewable`),
        popup: readBoolean(o.popup_note, `user_note ${i + 1} popup_note`),
        created: timestamp(o.created_date, `user_note ${i + 1} created_date`), created_by: text(o.created_by), segment: segment(o.segment_type),
      });
    });
  }
  if (has('user_statistic')) {
    fields.statistics = list(u.user_statistic).map((x, i) => {
      const o = obj(x, `user_statistic ${i + 1}`);
      return compact({
        category: noteDesc('statistic_category', o.statistic_category), type: text(o.category_type),
        note: text(o.statistic_note), segment: segment(o.segment_type),
      });
    });
  }
  if (has('rs_library')) {
    fields.rs_libraries = list(u.rs_library)
      .map((x) => noteDesc('rs_library', isObj(x) && 'code' in x ? x.code : x))
      .filter((x): x is string => x !== undefined);
  }

  const record: ImportRecord = { at, fields, descs };
  const password = typeof u.password === 'string' ? u.password : undefined;
  // A password is taken as written (spaces may be part of it); empty means none given.
  if (password !== undefined && password !== '') record.password = password;
  return record;
}

function obj(v: unknown, what: string): Obj {
  if (!isObj(v)) throw new RecordError(`${what}: expected an object`);
  return v;
}

function address(v: unknown, i: number): Obj {
  const o = obj(v, `address ${i + 1}`);
  const what = `address ${i + 1}`;
  return compact({
    line1: text(o.line1), line2: text(o.line2), line3: text(o.line3), line4: text(o.line4), line5: text(o.line5),
    city: text(o.city), state_province: text(o.state_province), postal_code: text(o.postal_code),
    country: text(o.country), address_note: text(o.address_note),
    start_date: date(o.start_date, `${what} start_date`), end_date: date(o.end_date, `${what} end_date`),
    types: values(o.address_type), preferred: readBoolean(o.preferred, `${what} preferred`), segment: segment(o.segment_type),
  });
}

function email(v: unknown, i: number): Obj {
  const o = obj(v, `email ${i + 1}`);
  return compact({
    address: text(o.email_address), types: values(o.email_type),
    preferred: readBoolean(o.preferred, `email ${i + 1} preferred`), description: text(o.description),
    segment: segment(o.segment_type),
  });
}

function phone(v: unknown, i: number): Obj {
  const o = obj(v, `phone ${i + 1}`);
  return compact({
    number: text(o.phone_number), types: values(o.phone_type),
    preferred: readBoolean(o.preferred, `phone ${i + 1} preferred`),
    preferred_sms: readBoolean(o.preferred_sms, `phone ${i + 1} preferred_sms`), segment: segment(o.segment_type),
  });
}

/** What a record looks like to a person: its primary_id when it has one. */
export function almaPrimaryId(u: unknown): string | undefined {
  return isObj(u) ? text(u.primary_id) : undefined;
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
