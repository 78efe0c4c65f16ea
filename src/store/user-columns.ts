import type { Statement } from 'better-sqlite3';
import type { User } from '../domain/user.js';
import type { StoredUser } from '../domain/user-fields.js';
import type { Db } from './db.js';
import { columnValue, isUserColumn, rowToUser, someRowFields, type UserColumn, type UserRow } from './users.js';

/**
 * Users read and written a few columns at a time: a job that adds a role reads and writes
 * `roles`, not the twenty-odd other columns, and a job on a million users does it a
 * million times. The row<->user mapping is store/users.ts's.
 */

/** The columns as given, each checked to be a user column (they become SQL). */
export function userColumns(columns: readonly string[]): UserColumn[] {
  return columns.map((c) => {
    if (!isUserColumn(c)) throw new Error(`not a user column: ${c}`);
    return c;
  });
}

/** The SELECT list of users `u` for these columns (plus id and primary_id), or all of them. */
export function selectList(columns: readonly string[] | undefined): string {
  return columns ? ['id', 'primary_id', ...userColumns(columns)].map((c) => `u.${c}`).join(', ') : 'u.*';
}

/** A user of a row from selectList: whole, or of only the columns read. */
export function userOf(row: UserRow, partial: boolean): StoredUser {
  // The store wrote only what userSchema accepted.
  return partial ? ({ ...someRowFields(row), id: Number(row.id) } as unknown as StoredUser) : rowToUser(row);
}

export class UserColumnWriter {
  /** By the columns' names joined: the checked columns and their UPDATE (a job writes the same few a million times). */
  private readonly statements = new Map<string, { cols: UserColumn[]; stmt: Statement }>();

  constructor(readonly db: Db) {}

  /** Writes these columns of a user and its updated_at/by; the others, and their indexes, are left alone. */
  write(id: number, user: User, columns: readonly string[], actor: string, at: string): void {
    const key = columns.join(',');
    let w = this.statements.get(key);
    if (!w) {
      const cols = userColumns(columns);
      w = { cols, stmt: this.db.prepare(`UPDATE users SET ${cols.map((c) => `${c} = ?`).join(', ')}, updated_at = ?, updated_by = ? WHERE id = ?`) };
      this.statements.set(key, w);
    }
    const values: unknown[] = w.cols.map((c) => columnValue(user, c));
    values.push(at, actor, id);
    w.stmt.run(...values);
  }
}
