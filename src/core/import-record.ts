import type { CodeTable } from './codes.js';
import type { UserInput } from './user.js';

/**
 * What a reader hands the import: one user as the file states it, not yet validated.
 * Readers know file formats; the import (core/import.ts) knows the store and the codes.
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
  const t = String(v).trim().toLowerCase();
  if (t === '') return undefined;
  if (t === 'true' || t === 'yes' || t === 'y' || t === '1') return true;
  if (t === 'false' || t === 'no' || t === 'n' || t === '0') return false;
  throw new RecordError(`${what}: "${String(v).trim()}" is not true or false`);
}
