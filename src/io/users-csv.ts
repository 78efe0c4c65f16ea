import { parseAlmaDate } from '../domain/dates.js';
import { InputError } from '../domain/errors.js';
import { excerpt } from '../domain/text.js';
import {
  clean, NO_DESCS, readBoolean, RecordError, roleRefs, type CellRow, type CellRows, type FileStats, type ImportRecord, type ReadItem,
  type UnreadableRecord,
} from '../domain/import-record.js';
import { LIST_FIELDS, SCALAR_FIELDS } from '../domain/user-fields.js';
import { readCsvCell } from '../domain/csv-cell.js';
import { readCsvBatches, type CsvRow, type CsvSyntaxError } from './csv-read.js';
import { cleanId } from './id-lines.js';
import { describeInexact, inexactNumbers, JsonSyntaxError, parseJson } from './json-text.js';

/**
 * Users from CSV: a header of Alma field names, one user a row. Besides every scalar field
 * of the model, four one-value columns make hand-made files easy (`email`, `phone`,
 * `barcode`: the preferred e-mail, the preferred phone, the BARCODE identifier; `roles`:
 * `role[@scope]` separated by `;`), and each list of the model has a column holding it as
 * JSON, which is how `users export --to csv` keeps every field. A column the header does
 * not name leaves that field of an existing user as it is; an empty cell clears it.
 */

const SIMPLE = ['email', 'phone', 'barcode', 'password'] as const;

/** Every column a user CSV may have, in the order they are listed in messages. */
export const CSV_COLUMNS: readonly string[] = [...SCALAR_FIELDS, ...SIMPLE, ...LIST_FIELDS];

/**
 * Column names of Alma's own exports (the user details page, the Analytics "Users" subject
 * area) and the field each stands for, compared ignoring case and with `_`, `-` and spaces
 * alike. docs/users.md lists them.
 */
export const COLUMN_ALIASES: Readonly<Record<string, string>> = {
  'primary identifier': 'primary_id', 'primary id': 'primary_id', 'user name': 'primary_id', username: 'primary_id',
  'first name': 'first_name', 'middle name': 'middle_name', 'last name': 'last_name',
  'preferred first name': 'pref_first_name', 'preferred middle name': 'pref_middle_name', 'preferred last name': 'pref_last_name',
  'user title': 'user_title', title: 'user_title',
  'user group': 'user_group', 'job category': 'job_category', 'job title': 'job_description', 'job description': 'job_description',
  'expiry date': 'expiry_date', 'expiration date': 'expiry_date', 'purge date': 'purge_date', 'birth date': 'birth_date',
  'status date': 'status_date', 'user status': 'status',
  'account type': 'account_type', 'user type': 'account_type', 'record type': 'record_type', 'user record type': 'record_type',
  'external id': 'external_id', 'campus code': 'campus_code', campus: 'campus_code', 'preferred language': 'preferred_language',
  'cataloger level': 'cataloger_level', 'preferred email': 'email', 'email address': 'email', 'preferred phone': 'phone',
  'phone number': 'phone', 'user role': 'roles', role: 'roles', 'force password change': 'force_password_change',
};

/** A header cell as the field it names: a field name as it is, an alias as its field. */
export function columnName(header: string): string {
  const name = header.trim().toLowerCase();
  if (CSV_COLUMNS.includes(name)) return name;
  return COLUMN_ALIASES[name.replace(/[\s_-]+/g, ' ')] ?? name;
}

/** Columns that say the same thing twice. */
const CONFLICTS: [string, string][] = [['email', 'emails'], ['phone', 'phones'], ['barcode', 'identifiers']];

/** Columns read as dates (Alma's other forms converted), and as enums (upper-cased). */
export const DATE_COLUMNS: ReadonlySet<string> = new Set(['birth_date', 'status_date', 'expiry_date', 'purge_date']);
export const ENUM_COLUMNS: ReadonlySet<string> = new Set(['record_type', 'account_type', 'status']);
const PLAIN_DATE = /^\d{4}-\d{2}-\d{2}$/;

type Setter = (r: ImportRecord, v: string | undefined) => void;

/**
 * A primary ID or identifier value as an ID file gives it (id-lines.ts cleanId): Excel's
 * leading ' text marker, which keeps 0012345 from becoming 12345, is not part of the ID.
 */
function idValue(column: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const c = cleanId(v);
  if (c?.invalid) throw new RecordError(`${column}: ${c.invalid}`);
  return c?.id || undefined;
}

function jsonList(name: string, v: string): unknown[] {
  let parsed: { value: unknown; inexact: boolean };
  try {
    parsed = parseJson(v);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    const where = e.line === 1 ? `character ${e.column}` : `line ${e.line}, character ${e.column}`;
    throw new RecordError(`${name}: not valid JSON at ${where} of the value: ${e.reason}`);
  }
  if (!Array.isArray(parsed.value)) throw new RecordError(`${name}: expected a JSON array`);
  const [bad] = parsed.inexact ? inexactNumbers(parsed.value, name) : [];
  if (bad) throw new RecordError(describeInexact(bad));
  return parsed.value;
}

function setter(column: string): Setter {
  if (DATE_COLUMNS.has(column)) {
    return (r, v) => {
      // YYYY-MM-DD goes as it is (the user schema checks the calendar); other forms Alma writes are converted.
      const d = v === undefined || PLAIN_DATE.test(v) ? v : parseAlmaDate(v);
      if (v !== undefined && d === undefined) throw new RecordError(`${column}: "${v}" is not a date (expected YYYY-MM-DD)`);
      r.fields[column as 'expiry_date'] = d;
    };
  }
  if (ENUM_COLUMNS.has(column)) return (r, v) => (r.fields[column as 'status'] = v?.toUpperCase());
  switch (column) {
    case 'primary_id':
      return (r, v) => (r.fields.primary_id = idValue(column, v) ?? '');
    case 'force_password_change':
      return (r, v) => (r.fields.force_password_change = readBoolean(v, column));
    case 'email':
      return (r, v) => (r.preferredEmail = v ?? null);
    case 'phone':
      return (r, v) => (r.preferredPhone = v ?? null);
    case 'barcode':
      return (r, v) => (r.barcode = idValue(column, v) ?? null);
    case 'password':
      return (r, v) => {
        if (v !== undefined) r.password = v;
      };
    case 'roles':
      return (r, v) => {
        if (v !== undefined && v.startsWith('[')) r.fields.roles = jsonList(column, v);
        else r.roleList = v === undefined ? [] : roleRefs(v);
      };
    case 'rs_libraries':
      return (r, v) => {
        r.fields.rs_libraries = v === undefined ? [] : v.startsWith('[') ? jsonList(column, v) : v.split(';').map((s) => s.trim()).filter(Boolean);
      };
  }
  if ((LIST_FIELDS as readonly string[]).includes(column)) {
    return (r, v) => (r.fields[column as 'emails'] = v === undefined ? [] : jsonList(column, v));
  }
  return (r, v) => (r.fields[column as 'first_name'] = v);
}

/** The primary ID a rejected row is reported under. */
function shownId(cell: string | undefined): string | undefined {
  return cleanId(readCsvCell(cell ?? ''))?.id || undefined;
}

/** An empty header cell, named by its place: most often a delimiter at the end of the header line. */
function emptyColumn(names: string[]): string {
  const at = names.indexOf('') + 1;
  return `"" (column ${at} has no name${at === names.length ? ': is there a delimiter at the end of the header line?' : ''})`;
}

/** Checks a header; an unknown, repeated or conflicting column makes the file unusable. */
export function csvHeader(fields: string[], file: string): string[] {
  const names = fields.map(columnName);
  const unknown = names.filter((n) => !CSV_COLUMNS.includes(n));
  if (unknown.length) {
    throw new InputError(
      `unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => (u === '' ? emptyColumn(names) : `"${excerpt(u)}"`)).join(', ')}`,
      { file, line: 1 },
      `nothing was imported; valid columns: ${CSV_COLUMNS.join(', ')} (or Alma's own names, such as "Primary Identifier": see docs/users.md)`,
    );
  }
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  const as = [...new Set(fields.filter((_, i) => names[i] === repeated).map((f) => `"${f.trim()}"`))];
  if (repeated) throw new InputError(`column "${repeated}" appears twice${as.length > 1 ? ` (as ${as.join(' and ')})` : ''}`, { file, line: 1 }, 'nothing was imported');
  for (const [a, b] of CONFLICTS) {
    if (names.includes(a) && names.includes(b)) {
      throw new InputError(`columns "${a}" and "${b}" both give the same field`, { file, line: 1 }, `nothing was imported; keep one of them`);
    }
  }
  if (!names.includes('primary_id')) {
    throw new InputError('no primary_id column', { file, line: 1 }, 'nothing was imported; the header must name primary_id');
  }
  return names;
}

/**
 * A reader's records, one by one or (cheaper) in the batches it reads them in, or as cells.
 * The three read the same file once: a reader is consumed by one of them.
 */
export interface BatchedItems extends AsyncIterable<ReadItem> {
  batches(): AsyncGenerator<ReadItem[]>;
  rows: CellRows;
}

/**
 * Opens a user CSV: the header is checked now (so a bad one stops the import before
 * anything is written), the rows are read as they are consumed, in batches.
 */
export async function openUsersCsv(file: string, stats: FileStats): Promise<BatchedItems> {
  const reader = readCsvBatches(file, file, stats);
  const first = await reader.next();
  const head = first.done ? undefined : first.value[0];
  if (!head) throw new InputError('the file is empty: no header line', { file }, 'nothing was imported');
  if ('error' in head) throw new InputError(`the header cannot be read: ${head.error}`, { file, line: head.line });
  const names = csvHeader(head.fields, file);
  const setters = names.map(setter);
  const idColumn = names.indexOf('primary_id');
  // A list column holding a JSON array may be laid out over several lines; no other may.
  const multiLine = names.map((n) => (LIST_FIELDS as readonly string[]).includes(n));
  let record = 0;
  /** The row's cells, if they fit the header; else why it is no user. */
  const cellRow = (row: CsvRow | CsvSyntaxError): CellRow | UnreadableRecord => {
    record++;
    const at = { file, line: row.line, record };
    if ('error' in row) return { at, error: `CSV syntax: ${row.error}` };
    const cells = row.fields;
    if (row.end > row.line) {
      const broken = cells.findIndex((c, i) => /[\r\n]/.test(c) && !(multiLine[i] && c.trimStart().startsWith('[')));
      if (broken >= 0) {
        const rest = row.end === row.line + 1 ? `line ${row.end} was` : `lines ${row.line + 1}-${row.end} were`;
        return {
          at, primary_id: shownId(cells[idColumn]),
          error: `${names[broken]} holds a line break, so this record covers lines ${row.line}-${row.end}: ` +
            `if a quote on line ${row.line} is not closed where it should be, ${rest} read into this value, not as users`,
        };
      }
    }
    if (cells.length !== names.length) {
      return { at, primary_id: shownId(cells[idColumn]), error: `the row has ${cells.length} fields, the header ${names.length}` };
    }
    return { at, cells };
  };
  const read = ({ at, cells }: CellRow): ReadItem => {
    const r: ImportRecord = { at, fields: {}, descs: NO_DESCS };
    try {
      for (let i = 0; i < cells.length; i++) setters[i]!(r, clean(readCsvCell(cells[i]!)));
      return r;
    } catch (e) {
      if (!(e instanceof RecordError)) throw e;
      return { at, primary_id: shownId(cells[idColumn]), error: e.message };
    }
  };
  async function* cellBatches(): AsyncGenerator<(CellRow | UnreadableRecord)[]> {
    const rest = first.value!.slice(1);
    if (rest.length) yield rest.map(cellRow);
    for await (const rows of reader) yield rows.map(cellRow);
    stats.records = record;
  }
  async function* batches(): AsyncGenerator<ReadItem[]> {
    for await (const rows of cellBatches()) yield rows.map((r) => ('error' in r ? r : read(r)));
  }
  return {
    batches,
    rows: { columns: names, batches: cellBatches, read },
    async *[Symbol.asyncIterator]() {
      for await (const b of batches()) yield* b;
    },
  };
}
