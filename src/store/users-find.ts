import type { SearchIndex, StoredUser } from '../domain/user-fields.js';
import type { Db } from './db.js';
import type { CompiledQuery } from './query-sql.js';
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
  where?: CompiledQuery | undefined;
}

const FILTER_COLUMNS: [Exclude<keyof UserFilter, 'limit' | 'where'>, string][] = [
  ['userGroup', 'user_group'], ['jobCategory', 'job_category'], ['status', 'status'],
  ['recordType', 'record_type'], ['accountType', 'account_type'],
];

/** The WHERE clause (empty when nothing narrows) and the parameters of a filter, LIMIT last. */
function filterSql(f: UserFilter): { where: string; limit: string; params: (string | number)[] } {
  const where: string[] = [];
  const params: (string | number)[] = [];
  for (const [key, column] of FILTER_COLUMNS) {
    const value = f[key];
    if (value !== undefined) {
      where.push(`${column} = ?`);
      params.push(value);
    }
  }
  if (f.where) {
    where.push(`(${f.where.sql})`);
    params.push(...f.where.params);
  }
  if (f.limit) params.push(f.limit);
  return { where: where.length ? 'WHERE ' + where.join(' AND ') : '', limit: f.limit ? ' LIMIT ?' : '', params };
}

/** Users matching the filter, in primary-ID order, one row in memory at a time. */
export function* listUsers(db: Db, f: UserFilter): Generator<StoredUser> {
  const { where, limit, params } = filterSql(f);
  const sql = `SELECT * FROM users ${where} ORDER BY primary_id${limit}`;
  for (const row of db.prepare<unknown[], UserRow>(sql).iterate(...params)) yield rowToUser(row);
}

/** How many users `listUsers` gives for the filter. */
export function countUsers(db: Db, f: UserFilter): number {
  const q = matchingUsers(f);
  return db.prepare(`SELECT count(*) FROM (${q.sql})`).pluck().get(...q.params) as number;
}

/**
 * A SELECT of `user_id, primary_id` of the users `listUsers` gives for the same filter (the
 * first N in primary-ID order under a limit): what `users list --save-set` stores as members
 * and, counted, the total of `users export --query`.
 */
export function matchingUsers(f: UserFilter): CompiledQuery {
  const { where, limit, params } = filterSql(f);
  return { sql: `SELECT users.id AS user_id, users.primary_id AS primary_id FROM users ${where} ORDER BY primary_id${limit}`, params };
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
