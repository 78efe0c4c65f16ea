import { USER_CODE_FIELDS, type CodeTable } from './codes.js';
import { ACCOUNT_TYPES, RECORD_TYPES, STATUSES } from './user-enums.js';
import { LIST_FIELDS, SCALAR_FIELDS } from './user-fields.js';

/**
 * The fields a query may name (README, "Query language") and what each one is in the user
 * model: its type, which values it takes, whether it ignores case, and for the fields that
 * look inside a user's lists, which list and which part of an entry. The store turns this
 * table into SQL (store/query-sql.ts); nothing here is SQL.
 */

export type FieldType = 'text' | 'code' | 'enum' | 'date' | 'boolean' | 'list';

export interface FieldDef {
  name: string;
  type: FieldType;
  /** Whether =, IN and ordering ignore case (names, e-mails, identifiers). */
  nocase?: boolean;
  enumValues?: readonly string[];
  /** The code table a code field's values come from, for the warnings of `set create`. */
  codeTable?: CodeTable;
  /**
   * list fields: the user's list, the key of an entry compared, and whether only active,
   * unexpired entries count (a user whose role has expired no longer holds it).
   */
  list?: { of: (typeof LIST_FIELDS)[number]; key: string; active: boolean };
  /** role: a value may name a scope, `"license-viewer@MAIN"`. */
  scoped?: boolean;
}

const ENUMS: Record<string, readonly string[]> = {
  record_type: RECORD_TYPES,
  account_type: ACCOUNT_TYPES,
  status: STATUSES,
};
const CODE_COLUMNS: Record<string, CodeTable | undefined> = { ...USER_CODE_FIELDS, preferred_language: undefined };

function scalarField(name: string): FieldDef {
  if (ENUMS[name]) return { name, type: 'enum', enumValues: ENUMS[name] };
  if (name === 'force_password_change') return { name, type: 'boolean' };
  if (name.endsWith('_date')) return { name, type: 'date' };
  if (name in CODE_COLUMNS) {
    const table = CODE_COLUMNS[name];
    return { name, type: 'code', ...(table ? { codeTable: table } : {}) };
  }
  // primary_id matches as the store matches primary IDs everywhere (store/query-sql.ts caseless).
  return { name, type: 'text', nocase: name !== 'primary_id' };
}

export const QUERY_FIELDS: ReadonlyMap<string, FieldDef> = new Map<string, FieldDef>([
  ...SCALAR_FIELDS.map((f) => [f, scalarField(f)] as const),
  ['role', { name: 'role', type: 'list', list: { of: 'roles', key: 'role', active: true }, scoped: true, codeTable: 'role' }],
  ['identifier', { name: 'identifier', type: 'list', nocase: true, list: { of: 'identifiers', key: 'value', active: false } }],
  ['email', { name: 'email', type: 'list', nocase: true, list: { of: 'emails', key: 'address', active: false } }],
  ['block', { name: 'block', type: 'list', list: { of: 'blocks', key: 'description', active: true }, codeTable: 'block_description' }],
  ['statistic', { name: 'statistic', type: 'list', list: { of: 'statistics', key: 'category', active: false }, codeTable: 'statistic_category' }],
]);

/** A role value with its scope apart: `"license-viewer@MAIN"` is license-viewer in MAIN. Other fields have no scope. */
export function splitScope(field: FieldDef, text: string): { value: string; scope?: string } {
  const at = field.scoped ? text.lastIndexOf('@') : -1;
  return at > 0 ? { value: text.slice(0, at), scope: text.slice(at + 1) } : { value: text };
}
