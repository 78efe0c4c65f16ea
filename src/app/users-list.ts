import type { Db } from '../store/db.js';
import { rowToUser } from '../store/users.js';
import type { StoredUser } from '../domain/user-fields.js';

export interface UserFilter {
  userGroup?: string | undefined;
  jobCategory?: string | undefined;
  status?: string | undefined;
  recordType?: string | undefined;
  accountType?: string | undefined;
  limit?: number | undefined;
  /** A compiled query (core/query.ts compileQuery): a WHERE expression over users and its parameters. */
  where?: { sql: string; params: unknown[] } | undefined;
}

const FILTER_COLUMNS: [keyof UserFilter, string][] = [
  ['userGroup', 'user_group'], ['jobCategory', 'job_category'], ['status', 'status'],
  ['recordType', 'record_type'], ['accountType', 'account_type'],
];

export function* listUsers(db: Db, f: UserFilter): Generator<StoredUser> {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const [key, column] of FILTER_COLUMNS) {
    if (f[key] !== undefined) {
      where.push(`${column} = ?`);
      params.push(f[key]);
    }
  }
  if (f.where) {
    where.push(`(${f.where.sql})`);
    params.push(...f.where.params);
  }
  const sql = `SELECT * FROM users ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY primary_id${f.limit ? ' LIMIT ?' : ''}`;
  if (f.limit) params.push(f.limit);
  for (const row of db.prepare(sql).iterate(...params)) yield rowToUser(row as Record<string, string | number | null>);
}
