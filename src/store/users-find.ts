import type { SearchIndex, StoredUser } from '../domain/user-fields.js';
import type { Db } from './db.js';
import { rowToUser, type UserRow } from './users.js';

/** What `users list` narrows by; every field given must match. */
export interface UserFilter {
  userGroup?: string | undefined;
  jobCategory?: string | undefined;
  status?: string | undefined;
  recordType?: string | undefined;
  accountType?: string | undefined;
  limit?: number | undefined;
  /** A compiled query (compileQuery): a WHERE expression over users and its parameters. */
  where?: { sql: string; params: unknown[] } | undefined;
}

const FILTER_COLUMNS: [keyof UserFilter, string][] = [
  ['userGroup', 'user_group'], ['jobCategory', 'job_category'], ['status', 'status'],
  ['recordType', 'record_type'], ['accountType', 'account_type'],
];

/** Users matching the filter, in primary-ID order, one row in memory at a time. */
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
  for (const row of db.prepare<unknown[], UserRow>(sql).iterate(...params)) yield rowToUser(row);
}

const NAME = ['first_name', 'middle_name', 'last_name', 'pref_first_name', 'pref_middle_name', 'pref_last_name']
  .map((c) => `instr(unicode_lower(${c}), :q)`)
  .concat([
    "instr(unicode_lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '')), :q)",
    "instr(unicode_lower(coalesce(last_name, '') || ', ' || coalesce(first_name, '')), :q)",
  ])
  .join(' OR ');

const CONDITIONS: Record<Exclude<SearchIndex, 'all'>, string> = {
  primary_id: 'instr(unicode_lower(primary_id), :q)',
  name: NAME,
  email: "EXISTS (SELECT 1 FROM json_each(users.emails) WHERE instr(unicode_lower(value->>'address'), :q))",
  identifier: "EXISTS (SELECT 1 FROM json_each(users.identifiers) WHERE instr(unicode_lower(value->>'value'), :q))",
};

/**
 * Alma's persistent search: users whose field contains the text, case-insensitively, in
 * primary-ID order. Case is folded by unicode_lower (sql-functions.ts), since SQLite's own
 * folding knows only ASCII and directories are full of Müllers.
 */
export function* searchUsers(db: Db, text: string, index: SearchIndex, limit?: number): Generator<StoredUser> {
  const where = index === 'all' ? Object.values(CONDITIONS).map((c) => `(${c})`).join(' OR ') : CONDITIONS[index];
  const sql = `SELECT * FROM users WHERE ${where} ORDER BY primary_id${limit ? ' LIMIT :limit' : ''}`;
  const params: Record<string, unknown> = { q: text.trim().toLowerCase() };
  if (limit) params.limit = limit;
  for (const row of db.prepare<[Record<string, unknown>], UserRow>(sql).iterate(params)) yield rowToUser(row);
}
