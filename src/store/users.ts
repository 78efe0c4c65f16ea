import type { Statement } from 'better-sqlite3';
import type { User } from '../domain/user.js';
import { LIST_FIELDS, SCALAR_FIELDS, type StoredUser } from '../domain/user-fields.js';
import type { Db } from './db.js';
import { NEW_USER_ID } from './user-ids.js';

/** Every column a user row is written with, in one fixed order for the prepared statements. */
export const WRITE_COLUMNS = [...SCALAR_FIELDS, 'password_hash', ...LIST_FIELDS] as const;

/** A row of the users table, as SQLite returns it. */
export type UserRow = Record<string, string | number | null>;

/** A column a user is written to. */
export type UserColumn = (typeof WRITE_COLUMNS)[number];

export function isUserColumn(c: string): c is UserColumn {
  return (WRITE_COLUMNS as readonly string[]).includes(c);
}

/**
 * The user fields of a row of all the user columns or only some of them (a job reads only
 * those it needs); a column absent from the row is absent from the result.
 */
function rowFields(row: UserRow): Record<string, unknown> {
  const u: Record<string, unknown> = {};
  for (const [f, kind] of FIELD_KINDS) {
    if (!(f in row)) continue;
    const v = fieldValue(kind, row[f]);
    if (v !== undefined) u[f] = v;
  }
  return u;
}

/** A list column's value: most are empty, and a sync reads nine a user a million times. */
function listValue(v: string | number | null | undefined): unknown[] {
  return v === '[]' ? [] : (JSON.parse(String(v)) as unknown[]);
}

type FieldKind = 'list' | 'flag' | 'value';

/** How each user column becomes a field: a JSON list, a 0/1 flag, or a value kept unless NULL. */
export const FIELD_KINDS = new Map<string, FieldKind>([
  ...SCALAR_FIELDS.map((f) => [f, f === 'force_password_change' ? 'flag' : 'value'] as const),
  ['password_hash', 'value'],
  ...LIST_FIELDS.map((f) => [f, 'list'] as const),
]);

/** A user column's value as its field, by FIELD_KINDS; undefined for NULL (an absent field). */
export function fieldValue(kind: FieldKind, v: string | number | null | undefined): unknown {
  if (kind === 'list') return listValue(v);
  if (kind === 'flag') return v === 1;
  return v ?? undefined;
}

/** A user row as SQLite returns it, back to the model. */
export function rowToUser(row: UserRow): StoredUser {
  const u = rowFields(row);
  u.id = Number(row.id);
  u.created_at = String(row.created_at);
  u.created_by = String(row.created_by);
  u.updated_at = String(row.updated_at);
  u.updated_by = String(row.updated_by);
  return u as unknown as StoredUser; // the store writes only what userSchema accepted
}

/** The columns UserStore reads a user from, in order: read as arrays, since SQLite building an object of 45 keys per row costs more than the rest of a read. */
export const READ_COLUMNS = ['id', ...WRITE_COLUMNS, 'created_at', 'created_by', 'updated_at', 'updated_by'];
const READ_KINDS = READ_COLUMNS.map((c) => FIELD_KINDS.get(c));
const SELECT_USER = `SELECT ${READ_COLUMNS.join(', ')} FROM users`;

/** A user read as an array of READ_COLUMNS, back to the model (the fields in rowToUser's order). */
export function valuesToUser(values: unknown[]): StoredUser {
  const u: Record<string, unknown> = {};
  for (let i = 1; i < READ_COLUMNS.length; i++) {
    const kind = READ_KINDS[i];
    if (kind === undefined) continue;
    const v = fieldValue(kind, values[i] as string | number | null);
    if (v !== undefined) u[READ_COLUMNS[i]!] = v;
  }
  u.id = values[0];
  for (let i = READ_COLUMNS.length - 4; i < READ_COLUMNS.length; i++) u[READ_COLUMNS[i]!] = values[i];
  return u as unknown as StoredUser; // the store writes only what userSchema accepted
}

/** A user field as its column holds it. */
export function columnValue(user: User, c: UserColumn): string | number | null {
  if (c === 'force_password_change') return user.force_password_change ? 1 : 0;
  const v = user[c];
  if (v === undefined) return null;
  // Most lists are empty; a bulk import writes nine per user.
  if (Array.isArray(v)) return v.length ? JSON.stringify(v) : '[]';
  return v as string;
}

/** The JSON of the lists made by sharedList. */
const SHARED_JSON = new WeakMap<readonly unknown[], string>();

function freeze(v: unknown): void {
  if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return;
  for (const x of Object.values(v)) freeze(x);
  Object.freeze(v);
}

/**
 * A list that many new users hold alike (an import's `roles` cell "patron", read once for
 * the file): frozen, items and all, and its JSON made now, where each user's insert would
 * make it again (JSON.stringify was a tenth of an import).
 */
export function sharedList<T>(items: T[]): readonly T[] {
  freeze(items);
  SHARED_JSON.set(items, JSON.stringify(items));
  return items;
}

/** Each write column's bit in the mask of the columns an insert binds. */
const BIT = Object.fromEntries(WRITE_COLUMNS.map((c, i) => [c, 2 ** i])) as Record<UserColumn, number>;

/**
 * The values of a new user's columns that differ from their defaults, pushed onto `out`
 * in WRITE_COLUMNS order, and the mask of those columns (BIT). It gives what
 * WRITE_COLUMNS.map(columnValue) gives, less the defaults, but reads every field by its
 * name: the loop's keyed reads, forty a user, cost an import of a million users a second.
 * test/unit/user-values.test.ts holds the two to the same values.
 */
export function newUserValues(u: User, out: (string | number)[]): number {
  let mask = 0;
  const value = (v: string | undefined, bit: number) => {
    if (v !== undefined) {
      out.push(v);
      mask += bit;
    }
  };
  const list = (v: readonly unknown[], bit: number) => {
    if (v.length) {
      out.push(SHARED_JSON.get(v) ?? JSON.stringify(v));
      mask += bit;
    }
  };
  value(u.primary_id, BIT.primary_id);
  value(u.record_type, BIT.record_type);
  value(u.account_type, BIT.account_type);
  value(u.external_id, BIT.external_id);
  value(u.first_name, BIT.first_name);
  value(u.middle_name, BIT.middle_name);
  value(u.last_name, BIT.last_name);
  value(u.pref_first_name, BIT.pref_first_name);
  value(u.pref_middle_name, BIT.pref_middle_name);
  value(u.pref_last_name, BIT.pref_last_name);
  value(u.pref_name_suffix, BIT.pref_name_suffix);
  value(u.user_title, BIT.user_title);
  value(u.gender, BIT.gender);
  value(u.birth_date, BIT.birth_date);
  value(u.user_group, BIT.user_group);
  value(u.job_category, BIT.job_category);
  value(u.job_description, BIT.job_description);
  value(u.campus_code, BIT.campus_code);
  value(u.preferred_language, BIT.preferred_language);
  value(u.cataloger_level, BIT.cataloger_level);
  value(u.status, BIT.status);
  value(u.status_date, BIT.status_date);
  value(u.expiry_date, BIT.expiry_date);
  value(u.purge_date, BIT.purge_date);
  if (u.force_password_change) {
    out.push(1);
    mask += BIT.force_password_change;
  }
  value(u.password_hash, BIT.password_hash);
  list(u.identifiers, BIT.identifiers);
  list(u.emails, BIT.emails);
  list(u.phones, BIT.phones);
  list(u.addresses, BIT.addresses);
  list(u.roles, BIT.roles);
  list(u.blocks, BIT.blocks);
  list(u.notes, BIT.notes);
  list(u.statistics, BIT.statistics);
  list(u.rs_libraries, BIT.rs_libraries);
  return mask;
}

function userToParams(user: User): (string | number | null)[] {
  return WRITE_COLUMNS.map((c) => columnValue(user, c));
}

/**
 * Reads and writes users. Each statement is prepared once per store, since bulk import and
 * jobs call these hundreds of thousands of times, and on first use, since `users show`
 * needs one of them and preparing the forty-column others is part of every start-up.
 */
export class UserStore {
  /**
   * An INSERT per set of columns a new user has (the others take their defaults), by bit
   * mask of WRITE_COLUMNS; negative (-mask - 1) for the INSERT that binds the id itself.
   */
  private readonly insertStmts = new Map<number, Statement>();
  private byPrimaryId_: Statement<[string], unknown[]> | undefined;
  private byPrimaryIds_: Statement<[string], unknown[]> | undefined;
  private byRowId_: Statement<[number], unknown[]> | undefined;
  private newUserId_: Statement<[], number> | undefined;
  private update_: Statement | undefined;
  /** Inside begin()'s transaction: the id the next new user takes, read once under the write lock. */
  private nextId: number | undefined;
  private together = false;

  constructor(readonly db: Db) {}

  private get byPrimaryId() {
    return (this.byPrimaryId_ ??= this.db.prepare<[string], unknown[]>(`${SELECT_USER} WHERE primary_id = ?`).raw());
  }

  private get byPrimaryIds() {
    // The column's NOCASE collation applies to IN, as it does to =.
    return (this.byPrimaryIds_ ??= this.db.prepare<[string], unknown[]>(`${SELECT_USER} WHERE primary_id IN (SELECT value FROM json_each(?))`).raw());
  }

  private get byRowId() {
    return (this.byRowId_ ??= this.db.prepare<[number], unknown[]>(`${SELECT_USER} WHERE id = ?`).raw());
  }

  private get newUserId() {
    return (this.newUserId_ ??= this.db.prepare<[], number>(`SELECT ${NEW_USER_ID}`).pluck());
  }

  private get updateStmt() {
    return (this.update_ ??= this.db.prepare(
      `UPDATE users SET ${WRITE_COLUMNS.map((c) => `${c} = ?`).join(', ')}, updated_at = ?, updated_by = ? WHERE id = ?`,
    ));
  }

  /** Case-insensitive, as Alma matches primary IDs. */
  get(primaryId: string): StoredUser | undefined {
    const row = this.byPrimaryId.get(primaryId.trim());
    return row ? valuesToUser(row) : undefined;
  }

  /** The users of these primary IDs (trimmed, matched as get() matches them), in one query. */
  getMany(primaryIds: readonly string[]): StoredUser[] {
    return primaryIds.length ? this.byPrimaryIds.all(JSON.stringify(primaryIds)).map(valuesToUser) : [];
  }

  getById(id: number): StoredUser | undefined {
    const row = this.byRowId.get(id);
    return row ? valuesToUser(row) : undefined;
  }

  /**
   * Writes a new user. Only the columns that differ from their defaults are bound (an
   * import of a million users binds a few of the forty), through one statement per such
   * set of columns. Inside begin()'s transaction the id is counted on from the one read at
   * its first insert (no other writer can insert meanwhile), instead of SQLite working out
   * NEW_USER_ID's three maxima for every row.
   */
  insert(user: User, actor: string, at: string): number {
    const params: (string | number)[] = [];
    const mask = newUserValues(user, params);
    const counted = this.together;
    const key = counted ? -mask - 1 : mask;
    let stmt = this.insertStmts.get(key);
    if (!stmt) {
      const cols = WRITE_COLUMNS.filter((_, i) => Math.floor(mask / 2 ** i) % 2 === 1);
      stmt = this.db.prepare(`INSERT INTO users (${['id', ...cols, 'created_at', 'created_by', 'updated_at', 'updated_by'].join(', ')})
        VALUES (${[counted ? '?' : NEW_USER_ID, ...cols.map(() => '?')].join(', ')}, ?, ?, ?, ?)`);
      this.insertStmts.set(key, stmt);
    }
    params.push(at, actor, at, actor);
    if (!counted) return Number(stmt.run(params).lastInsertRowid);
    const id = (this.nextId ??= this.newUserId.get()!);
    stmt.run(id, params);
    this.nextId = id + 1;
    return id;
  }

  update(id: number, user: User, actor: string, at: string): void {
    this.updateStmt.run(...userToParams(user), at, actor, id);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  /**
   * Runs `read` in one read transaction: a change committed meanwhile by another process is
   * either wholly in what it reads or not at all.
   */
  snapshot<T>(read: () => T): T {
    this.db.exec('BEGIN');
    try {
      return read();
    } finally {
      this.db.exec('COMMIT');
    }
  }

  /**
   * Opens a write transaction that takes the write lock at once (BEGIN IMMEDIATE) and stays
   * open across awaits until commit(): an import writes the users of each piece of a file
   * as it reads it, several pieces to a transaction.
   */
  begin(): void {
    this.db.exec('BEGIN IMMEDIATE');
    this.together = true;
  }

  /** Whether a transaction begin() opened is open. */
  get writing(): boolean {
    return this.together;
  }

  /** Commits the transaction begin() opened. */
  commit(): void {
    this.db.exec('COMMIT');
    this.together = false;
    this.nextId = undefined;
  }

  /** Undoes the transaction begin() opened, if it is still open (a failure left it so). */
  rollback(): void {
    if (!this.together) return;
    this.together = false;
    this.nextId = undefined;
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
  }

  /** Streams users in primary-ID order, one row in memory at a time. */
  *iterate(): Generator<StoredUser> {
    const stmt = this.db.prepare<[], unknown[]>(`${SELECT_USER} ORDER BY primary_id`).raw();
    for (const row of stmt.iterate()) yield valuesToUser(row);
  }
}

/** The user fields compared to decide whether an import or a job changed a user. */
export function sameUser(a: User, b: User): boolean {
  for (const c of WRITE_COLUMNS) {
    const x = a[c];
    const y = b[c];
    if (Array.isArray(x) || Array.isArray(y)) {
      const xs = (x ?? []) as unknown[];
      const ys = (y ?? []) as unknown[];
      // Most of a user's nine lists are empty on both sides: no JSON needed.
      if (xs.length !== ys.length || (xs.length > 0 && JSON.stringify(xs) !== JSON.stringify(ys))) return false;
    } else if ((x ?? null) !== (y ?? null)) return false;
  }
  return true;
}
