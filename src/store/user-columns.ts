import type { Statement } from 'better-sqlite3';
import type { User } from '../domain/user.js';
import type { StoredUser } from '../domain/user-fields.js';
import type { Db } from './db.js';
import { columnValue, FIELD_KINDS, fieldValue, isUserColumn, READ_COLUMNS, valuesToUser, type UserColumn } from './users.js';

/**
 * Users read and written a few columns at a time: a job that adds a role reads and writes
 * `roles`, not the twenty-odd other columns, and a job on a million users does it a
 * million times. The row<->user mapping is store/users.ts's.
 */

/** The columns as given, each checked to be a user column (they become SQL). */
function userColumns(columns: readonly string[]): UserColumn[] {
  return columns.map((c) => {
    if (!isUserColumn(c)) throw new Error(`not a user column: ${c}`);
    return c;
  });
}

/**
 * How a job reads its members' users: the SELECT list of users `u` (id first) and the user
 * of a row read as an array (`.raw()`) starting with that list. SQLite building an object
 * per row, then copying it into the user, costs more than the rest of the read.
 */
export interface UserRead {
  list: string;
  /** The user of the row's first values; the row may go on with other columns. */
  user(values: unknown[]): StoredUser;
}

/** Whole users, or only `columns` (plus id and primary_id) when the job needs no more. */
export function userRead(columns: readonly string[] | undefined): UserRead {
  if (!columns) return { list: READ_COLUMNS.map((c) => `u.${c}`).join(', '), user: valuesToUser };
  const cols = ['id', 'primary_id', ...userColumns(columns).filter((c) => c !== 'primary_id')];
  const kinds = cols.map((c) => FIELD_KINDS.get(c));
  // Every key from the start (a copy of the shape), not added one by one: V8 then gives all
  // these users one hidden class. A NULL column stays undefined, which reads as absent.
  const shape = Object.fromEntries(cols.map((c) => [c, undefined])) as Record<string, unknown>;
  return {
    list: cols.map((c) => `u.${c}`).join(', '),
    user(values) {
      const u = { ...shape };
      for (let i = 0; i < cols.length; i++) u[cols[i]!] = fieldValue(kinds[i] ?? 'value', values[i] as string | number | null);
      return u as unknown as StoredUser; // the store wrote only what userSchema accepted
    },
  };
}

interface ColumnUpdate {
  cols: UserColumn[];
  stmt: Statement;
}

export class UserColumnWriter {
  /** By the columns' names joined: the checked columns and their UPDATE (a job writes the same few a million times). */
  private readonly statements = new Map<string, ColumnUpdate>();
  /** The UPDATE written last: the next user of a job most often changes the same columns. */
  private last: ColumnUpdate | undefined;

  constructor(readonly db: Db) {}

  /** Writes these columns of a user and its updated_at/by; the others, and their indexes, are left alone. */
  write(id: number, user: User, columns: readonly string[], actor: string, at: string): void {
    const w = this.last && sameColumns(this.last.cols, columns) ? this.last : this.update(columns);
    this.last = w;
    const values: unknown[] = [];
    for (const c of w.cols) values.push(columnValue(user, c));
    values.push(at, actor, id);
    w.stmt.run(values);
  }

  private update(columns: readonly string[]): ColumnUpdate {
    const key = columns.join(',');
    let w = this.statements.get(key);
    if (!w) {
      const cols = userColumns(columns);
      w = { cols, stmt: this.db.prepare(`UPDATE users SET ${cols.map((c) => `${c} = ?`).join(', ')}, updated_at = ?, updated_by = ? WHERE id = ?`) };
      this.statements.set(key, w);
    }
    return w;
  }
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
