import { USER_CODE_FIELDS, type CodeBook, type CodeTable } from '../domain/codes.js';
import { readCsvCell } from '../domain/csv-cell.js';
import { isIsoDate } from '../domain/dates.js';
import { clean, roleRefs, RecordError, SUSPECT } from '../domain/import-record.js';
import { ACCOUNT_TYPES, RECORD_TYPES, STATUSES, USER_DEFAULTS } from '../domain/user-enums.js';
import { SCALAR_FIELDS, USER_SHAPE } from '../domain/user-fields.js';
import type { Role, User } from '../domain/user.js';
import { cleanId } from '../io/id-lines.js';
import { DATE_COLUMNS, ENUM_COLUMNS } from '../io/users-csv.js';
import { sharedList } from '../store/users.js';
import { checkEmail, checkIdentifier, checkPhone, checkPrimaryId, checkRole, hasMandatoryFields, UNSURE, type Checked } from './import-check.js';
import { newBarcode, newEmail, newPhone } from './import-merge.js';

/**
 * A new user built straight from the cells of a CSV row, for the import's usual case: a
 * user not in the store, every value plain (no control character, dates as YYYY-MM-DD,
 * codes as the code tables spell them). Most of a million-user import is that, and the
 * general path (the reader's record, laid onto no user, checked, its codes resolved) was a
 * third of its time. A plan is made once per file, from its header; it gives the user
 * the general path would store, or undefined whenever it is not sure, and the row then
 * takes the general path, which also words any rejection.
 * test/e2e/users-import-cells.test.ts holds the two to the same reports and users.
 */

/** Writes a cell's value (trimmed; undefined when empty) into the user; false: not sure. */
type CellReader = (u: User, v: string | undefined) => boolean;

const CODE_TABLES = new Map<string, CodeTable>(Object.entries(USER_CODE_FIELDS));
const ENUM_VALUES: Record<string, readonly string[]> = { record_type: RECORD_TYPES, account_type: ACCOUNT_TYPES, status: STATUSES };
/** Scalar columns the plan does not read (a flag, written in any of readBoolean's forms): such a file takes the general path. */
const NOT_PLANNED = new Set(['force_password_change']);

function primaryId(u: User, v: string | undefined): boolean {
  const c = v === undefined ? undefined : cleanId(v);
  const id = c && c.invalid === undefined ? checkPrimaryId(c.id) : UNSURE;
  if (id === UNSURE) return false;
  u.primary_id = id;
  return true;
}

/** The roles of a `roles` cell, or undefined when the general path must read it. */
function readRoles(v: string, book: CodeBook): Role[] | undefined {
  // A JSON role list (as an export writes) is for the general path.
  if (v.startsWith('[')) return undefined;
  let refs;
  try {
    refs = roleRefs(v);
  } catch (e) {
    if (e instanceof RecordError) return undefined;
    throw e;
  }
  const out: Role[] = [];
  for (const ref of refs) {
    const role = checkRole({ ...ref });
    if (role === UNSURE || !book.has('role', role.role) || book.needsParameters(role.role)) return undefined;
    // Resolved as ImportCodes.check resolves a scope: the institution's is no scope at all.
    if (role.scope !== undefined) {
      if (book.isInstitution(role.scope)) delete role.scope;
      else if (!book.has('library', role.scope)) return undefined;
    }
    out.push(role);
  }
  return out;
}

/** How many different `roles` cells a plan remembers: a file has a few (patron; patron;fulfillment@MAIN). */
const ROLE_CELLS = 1000;

function roles(book: CodeBook): CellReader {
  // Codes may be added during an import (--add-missing-codes), never removed: a cell read once reads alike later.
  const read = new Map<string, readonly Role[]>();
  return (u, v) => {
    if (v === undefined) return true;
    let list = read.get(v);
    if (!list) {
      const fresh = readRoles(v, book);
      if (!fresh) return false;
      list = fresh;
      if (read.size < ROLE_CELLS) read.set(v, (list = sharedList(fresh)));
    }
    // A remembered list is frozen and shared: a new user's roles are only read after this (checked, stored).
    u.roles = list as Role[];
    return true;
  };
}

/** A one-value column (email, phone): the one entry of its list, as the general path makes it for a new user. */
function oneEntry<T>(entry: (v: string) => Checked<T>, put: (u: User, x: T) => void): CellReader {
  return (u, v) => {
    if (v === undefined) return true;
    const x = entry(v);
    if (x === UNSURE) return false;
    put(u, x);
    return true;
  };
}

function column(name: string, book: CodeBook): CellReader | undefined {
  if (name === 'primary_id') return primaryId;
  if (name === 'roles') return roles(book);
  if (name === 'email') return oneEntry((v) => checkEmail(newEmail(v)), (u, e) => (u.emails = [e]));
  if (name === 'phone') return oneEntry((v) => checkPhone(newPhone(v)), (u, p) => (u.phones = [p]));
  if (name === 'barcode') {
    return (u, v) => {
      const c = v === undefined ? undefined : cleanId(v);
      if (!c) return true;
      const x = c.invalid === undefined ? checkIdentifier(newBarcode(c.id)) : UNSURE;
      if (x === UNSURE || !book.has('identifier_type', x.type)) return false;
      u.identifiers = [x];
      return true;
    };
  }
  if (!(SCALAR_FIELDS as readonly string[]).includes(name) || NOT_PLANNED.has(name)) return undefined;
  const field = (u: User) => u as unknown as Record<string, unknown>;
  if (ENUM_COLUMNS.has(name)) {
    const values = ENUM_VALUES[name]!;
    // Upper-cased as the reader does; an empty cell leaves the default.
    return (u, v) => {
      const x = v?.toUpperCase();
      if (x === undefined) return true;
      if (!values.includes(x)) return false;
      field(u)[name] = x;
      return true;
    };
  }
  /** A value the test accepts is stored as it is; an empty cell clears the field. */
  const when = (ok: (v: string) => boolean): CellReader => (u, v) => {
    if (v !== undefined && !ok(v)) return false;
    field(u)[name] = v;
    return true;
  };
  if (DATE_COLUMNS.has(name)) return when(isIsoDate);
  const table = CODE_TABLES.get(name);
  return table ? when((v) => book.has(table, v)) : when(() => true);
}

/**
 * The plan for a file of these columns: a function from a row's cells to the new user,
 * or undefined when the row is for the general path. Undefined when the header has a
 * column the plan does not read (a password, a JSON list, force_password_change).
 */
export function newUserPlan(columns: readonly string[], book: CodeBook): ((cells: readonly string[]) => User | undefined) | undefined {
  // Every file names its primary ID (csvHeader): a row that gives none is for the general path.
  if (!columns.includes('primary_id')) return undefined;
  const readers: CellReader[] = [];
  for (const name of columns) {
    const reader = column(name, book);
    if (!reader) return undefined;
    readers.push(reader);
  }
  return (cells) => {
    // Every field, at the default userSchema gives it.
    const u = {
      ...USER_SHAPE, ...USER_DEFAULTS, primary_id: '', force_password_change: false,
      identifiers: [], emails: [], phones: [], addresses: [], roles: [], blocks: [], notes: [], statistics: [], rs_libraries: [],
    } as unknown as User;
    for (let i = 0; i < readers.length; i++) {
      const cell = cells[i]!;
      if (SUSPECT.test(cell) || !readers[i]!(u, clean(readCsvCell(cell)))) return undefined;
    }
    // Alma's mandatory fields of a new user; the general path words what is missing.
    return hasMandatoryFields(u) ? u : undefined;
  };
}
