import type { User } from '../domain/user.js';
import { LIST_FIELDS, SCALAR_FIELDS, type StoredUser } from '../domain/user-fields.js';
import type { Db } from './db.js';

/** Every column a user row is written with, in one fixed order for the prepared statements. */
const WRITE_COLUMNS = [...SCALAR_FIELDS, 'password_hash', ...LIST_FIELDS] as const;

type Row = Record<string, string | number | null>;

/** A user row as SQLite returns it, back to the model. */
export function rowToUser(row: Row): StoredUser {
  const u: Record<string, unknown> = {};
  for (const f of SCALAR_FIELDS) {
    const v = row[f];
    if (v !== null && v !== undefined) u[f] = v;
  }
  u.force_password_change = row.force_password_change === 1;
  if (row.password_hash !== null) u.password_hash = row.password_hash;
  for (const f of LIST_FIELDS) u[f] = JSON.parse(String(row[f]));
  return {
    ...(u as unknown as User), // the store writes only what userSchema accepted
    id: Number(row.id),
    created_at: String(row.created_at),
    created_by: String(row.created_by),
    updated_at: String(row.updated_at),
    updated_by: String(row.updated_by),
  };
}

function userToParams(user: User): (string | number | null)[] {
  return WRITE_COLUMNS.map((c) => {
    if (c === 'force_password_change') return user.force_password_change ? 1 : 0;
    const v = user[c];
    if (v === undefined) return null;
    // Most lists are empty; a bulk import writes nine per user.
    if (Array.isArray(v)) return v.length ? JSON.stringify(v) : '[]';
    return v as string;
  });
}

/**
 * Reads and writes users. Statements are prepared once per store, since bulk import and
 * jobs call these hundreds of thousands of times.
 */
export class UserStore {
  private readonly byPrimaryId;
  private readonly byRowId;
  private readonly insertStmt;
  private readonly updateStmt;

  constructor(readonly db: Db) {
    this.byPrimaryId = db.prepare<[string], Row>('SELECT * FROM users WHERE primary_id = ?');
    this.byRowId = db.prepare<[number], Row>('SELECT * FROM users WHERE id = ?');
    const cols = WRITE_COLUMNS.join(', ');
    const marks = WRITE_COLUMNS.map(() => '?').join(', ');
    this.insertStmt = db.prepare(
      `INSERT INTO users (${cols}, created_at, created_by, updated_at, updated_by) VALUES (${marks}, ?, ?, ?, ?)`,
    );
    this.updateStmt = db.prepare(
      `UPDATE users SET ${WRITE_COLUMNS.map((c) => `${c} = ?`).join(', ')}, updated_at = ?, updated_by = ? WHERE id = ?`,
    );
  }

  /** Case-insensitive, as Alma matches primary IDs. */
  get(primaryId: string): StoredUser | undefined {
    const row = this.byPrimaryId.get(primaryId.trim());
    return row ? rowToUser(row) : undefined;
  }

  getById(id: number): StoredUser | undefined {
    const row = this.byRowId.get(id);
    return row ? rowToUser(row) : undefined;
  }

  insert(user: User, actor: string, at: string): number {
    return Number(this.insertStmt.run(...userToParams(user), at, actor, at, actor).lastInsertRowid);
  }

  update(id: number, user: User, actor: string, at: string): void {
    this.updateStmt.run(...userToParams(user), at, actor, id);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  /** Streams users in primary-ID order, one row in memory at a time. */
  *iterate(where = '', params: unknown[] = []): Generator<StoredUser> {
    const stmt = this.db.prepare<unknown[], Row>(`SELECT * FROM users ${where} ORDER BY primary_id`);
    for (const row of stmt.iterate(...params)) yield rowToUser(row);
  }
}

/** The user fields compared to decide whether an import or a job changed a user. */
export function sameUser(a: User, b: User): boolean {
  for (const c of WRITE_COLUMNS) {
    const x = a[c];
    const y = b[c];
    if (Array.isArray(x) || Array.isArray(y)) {
      if (JSON.stringify(x ?? []) !== JSON.stringify(y ?? [])) return false;
    } else if ((x ?? null) !== (y ?? null)) return false;
  }
  return true;
}
