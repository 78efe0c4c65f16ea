import type { Db } from '../store/db.js';
import { rowToUser } from '../store/users.js';
import type { StoredUser } from '../domain/user-fields.js';

export const SEARCH_INDEXES = ['all', 'primary_id', 'name', 'email', 'identifier'] as const;
export type SearchIndex = (typeof SEARCH_INDEXES)[number];

const NAME = ['first_name', 'middle_name', 'last_name', 'pref_first_name', 'pref_middle_name', 'pref_last_name']
  .map((c) => `instr(alma_fold(${c}), :q)`)
  .concat([
    "instr(alma_fold(coalesce(first_name, '') || ' ' || coalesce(last_name, '')), :q)",
    "instr(alma_fold(coalesce(last_name, '') || ', ' || coalesce(first_name, '')), :q)",
  ])
  .join(' OR ');

const CONDITIONS: Record<Exclude<SearchIndex, 'all'>, string> = {
  primary_id: 'instr(alma_fold(primary_id), :q)',
  name: NAME,
  email: "EXISTS (SELECT 1 FROM json_each(users.emails) WHERE instr(alma_fold(value->>'address'), :q))",
  identifier: "EXISTS (SELECT 1 FROM json_each(users.identifiers) WHERE instr(alma_fold(value->>'value'), :q))",
};

/**
 * Alma's persistent search: users whose field contains the text, case-insensitively, in
 * primary-ID order. Case is folded in JavaScript (alma_fold), since SQLite's own folding
 * knows only ASCII and directories are full of Müllers.
 */
export function* searchUsers(db: Db, text: string, index: SearchIndex, limit?: number): Generator<StoredUser> {
  db.function('alma_fold', { deterministic: true }, (s: unknown) => (typeof s === 'string' ? s.toLowerCase() : null));
  const where = index === 'all' ? Object.values(CONDITIONS).map((c) => `(${c})`).join(' OR ') : CONDITIONS[index];
  const sql = `SELECT * FROM users WHERE ${where} ORDER BY primary_id${limit ? ' LIMIT :limit' : ''}`;
  const params: Record<string, unknown> = { q: text.trim().toLowerCase() };
  if (limit) params.limit = limit;
  for (const row of db.prepare(sql).iterate(params)) yield rowToUser(row as Record<string, string | number | null>);
}
