import type { CodeTable } from './codes.js';
import type { UserInput } from './user.js';

/**
 * What a reader hands the import: one user as the file states it, not yet validated.
 * Readers know file formats; the import (app/import.ts) knows the store and the codes.
 */

/** Where a record sits: the file as named on the command line, its line where known, its ordinal. */
export interface SourceRef {
  file: string;
  line?: number;
  record: number;
}

/** The CSV `roles` column's form: a role (slug, or Alma role_type code) and an optional scope. */
export interface RoleRef {
  role: string;
  scope?: string;
}

export interface ImportRecord {
  at: SourceRef;
  /**
   * The model fields the record states. A key that is present with the value undefined was
   * given empty and clears the field; a field the record does not mention keeps its stored value.
   */
  fields: { [K in keyof UserInput]?: unknown };
  /** CSV one-value columns, laid onto the stored user's lists (null: given empty). */
  preferredEmail?: string | null;
  preferredPhone?: string | null;
  barcode?: string | null;
  roleList?: RoleRef[];
  /** A password in the file; only its scrypt hash is ever stored. */
  password?: string;
  /** Descriptions the file gives its codes (Alma's `desc`), keyed by codeKey(table, code). */
  descs: ReadonlyMap<string, string>;
}

/** The descs of a format that has none (CSV). */
export const NO_DESCS: ReadonlyMap<string, string> = new Map();

/** A record the reader could not make sense of; the import rejects it and goes on. */
export interface UnreadableRecord {
  at: SourceRef;
  primary_id?: string;
  error: string;
}

export type ReadItem = ImportRecord | UnreadableRecord;

/** A CSV row whose cells fit its header, not yet read into a record. */
export interface CellRow {
  at: SourceRef;
  cells: readonly string[];
}

/**
 * A reader's rows as cells (the CSV reader's), each read into its record only on demand:
 * the import builds most new users straight from the cells (app/import-cells.ts) and reads
 * a record for the rest.
 */
export interface CellRows {
  /** The header's columns, as field names (io/users-csv.ts columnName). */
  columns: readonly string[];
  batches(): AsyncGenerator<(CellRow | UnreadableRecord)[]>;
  read(row: CellRow): ReadItem;
}

/** What a reader found in a file, complete once its items have all been read. */
export interface FileStats {
  /** Lines read (of a CSV, NDJSON, JSON or XML file), so that a count can be checked against `wc -l`. */
  lines: number;
  /** Records read: users and unusable records. */
  records: number;
  /** About the file as a whole, e.g. an Alma page that holds only part of its result. */
  warnings: string[];
}

export function codeKey(table: CodeTable, code: string): string {
  return `${table}\u0000${code}`;
}

/** A value a reader cannot use; the record is rejected with this reason. */
export class RecordError extends Error {}

/** Trimmed text, or undefined when empty: the lenient reading every format shares. */
export function clean(v: string | undefined | null): string | undefined {
  if (v === undefined || v === null) return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}

/** Booleans as real files write them: true, "true", "TRUE", "Y", 1; null or empty is absent. */
export function readBoolean(v: unknown, what: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  // String([]) is '' (absent) and String(['true']) is 'true': a list is no boolean, nor is an object.
  if (typeof v === 'object') throw new RecordError(`${what}: expected true or false, found ${Array.isArray(v) ? 'a list' : 'an object'}`);
  const t = String(v).trim().toLowerCase();
  if (t === '') return undefined;
  if (t === 'true' || t === 'yes' || t === 'y' || t === '1') return true;
  if (t === 'false' || t === 'no' || t === 'n' || t === '0') return false;
  throw new RecordError(`${what}: "${String(v).trim()}" is not true or false`);
}

/** List-item fields that hold free text over several lines: a note, an address note. */
const MULTI_LINE: Record<string, string> = { notes: 'text', blocks: 'note', addresses: 'address_note' };
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/** What may make a value unusable: a control character, or half of a UTF-16 surrogate pair (JSON's "\ud800"). */
export const SUSPECT = /[\u0000-\u001f\u007f-\u009f\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function controlIn(value: string, allowLines: boolean): string | undefined {
  const m = (allowLines ? CONTROL_BUT_LINES : CONTROL).exec(value);
  if (!m) {
    const half = LONE_SURROGATE.exec(value);
    // Stored, it would be invalid UTF-8 that no export or terminal can show.
    return half ? `holds half of a UTF-16 surrogate pair (U+${half[0].charCodeAt(0).toString(16).toUpperCase()}), which is no character` : undefined;
  }
  const c = m[0].charCodeAt(0);
  const code = `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  if (c === 10 || c === 13) return `holds a line break (${code}); only notes (user notes, block notes, address notes) may have several lines`;
  if (c === 9) return `holds a tab (${code})`;
  return `holds a control character (${code}), which no field may hold`;
}

/**
 * The first unusable character in the items of list field `list` (below `key`, the
 * property holding `value`), as its path below the field and the reason. Paths are built
 * only for what is found: this runs on every record.
 */
function inList(value: unknown, list: string, key: string): { path: string; why: string } | undefined {
  if (typeof value === 'string') {
    if (!SUSPECT.test(value)) return undefined;
    const why = controlIn(value, MULTI_LINE[list] === key);
    return why === undefined ? undefined : { path: '', why };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = inList(value[i], list, key);
      if (found) return { path: `[${i + 1}]${found.path}`, why: found.why };
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const k in value) {
      const found = inList((value as Record<string, unknown>)[k], list, k);
      if (found) return { path: `.${k}${found.path}`, why: found.why };
    }
  }
  return undefined;
}

/** A CSV one-value column's control character, as "column: what" (checked for every record: no list built for it). */
function oneValueControl(name: string, v: string | null | undefined): string | undefined {
  const found = typeof v === 'string' ? inList(v, name, name) : undefined;
  return found && `${name}: ${found.why}`;
}

/**
 * The first value of a record that holds a control character (C0, DEL, C1; a tab or line
 * break outside the notes that may hold them) or a lone surrogate, as "path: what", or
 * undefined. Such a character would be stored and then dropped or changed by an export
 * (XML cannot carry most of them), corrupt tab-separated output, or drive a terminal.
 */
export function controlCharacter(rec: ImportRecord): string | undefined {
  const fields = rec.fields as Record<string, unknown>;
  for (const k in fields) {
    const found = inList(fields[k], k, k);
    if (found) return `${k}${found.path}: ${found.why}`;
  }
  const oneValue = oneValueControl('email', rec.preferredEmail) ?? oneValueControl('phone', rec.preferredPhone) ?? oneValueControl('barcode', rec.barcode);
  if (oneValue) return oneValue;
  const role = rec.roleList && inList(rec.roleList, 'roles', 'roles');
  return role && `roles${role.path}: ${role.why}`;
}

/** The CSV `roles` column: `role[@scope]` items separated by `;`. */
export function roleRefs(v: string): RoleRef[] {
  return v
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const at = s.indexOf('@');
      if (at < 0) return { role: s };
      const role = s.slice(0, at).trim();
      const scope = s.slice(at + 1).trim();
      if (!role) throw new RecordError(`roles: "${s}" names no role (expected role or role@scope)`);
      return scope ? { role, scope } : { role };
    });
}
