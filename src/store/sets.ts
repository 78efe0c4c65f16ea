import type { StoredUser } from '../domain/user-fields.js';
import type { Db } from './db.js';
import { compileQuery, type CompiledQuery } from './query-sql.js';
import { rowToUser } from './users.js';

/**
 * Sets and their members in SQLite. An itemized set's members are rows of set_members; a
 * logical set's are the users its query matches, evaluated each time it is used. Loading
 * an ID file is staged in set-staging.ts.
 */

export type SetKind = 'ITEMIZED' | 'LOGICAL';

export interface SetRecord {
  id: string;
  name: string;
  kind: SetKind;
  description: string | undefined;
  /** A logical set's query, as the operator wrote it. */
  query: string | undefined;
  /** The primary_id of the operator who created it. */
  owner: string;
  public: boolean;
  created_at: string;
  updated_at: string;
  updated_by: string;
}

interface SetRow {
  id: string;
  name: string;
  kind: SetKind;
  description: string | null;
  query: string | null;
  owner: string;
  public: number;
  created_at: string;
  updated_at: string;
  updated_by: string;
}

function toRecord(r: SetRow): SetRecord {
  return {
    id: r.id, name: r.name, kind: r.kind, description: r.description ?? undefined, query: r.query ?? undefined,
    owner: r.owner, public: r.public === 1, created_at: r.created_at, updated_at: r.updated_at, updated_by: r.updated_by,
  };
}

/** A set by name (any case) or by id. */
export function findSet(db: Db, nameOrId: string): SetRecord | undefined {
  const r = db.prepare<[string, string, string], SetRow>('SELECT * FROM sets WHERE name = ? OR id = ? ORDER BY name = ? DESC LIMIT 1')
    .get(nameOrId, nameOrId, nameOrId);
  return r ? toRecord(r) : undefined;
}

export function listSetRecords(db: Db): SetRecord[] {
  return db.prepare<[], SetRow>('SELECT * FROM sets ORDER BY name').all().map(toRecord);
}

export function insertSet(db: Db, s: SetRecord): void {
  db.prepare(
    `INSERT INTO sets (id, name, kind, description, query, owner, public, created_at, updated_at, updated_by)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(s.id, s.name, s.kind, s.description ?? null, s.query ?? null, s.owner, s.public ? 1 : 0, s.created_at, s.updated_at, s.updated_by);
}

export function touchSet(db: Db, id: string, at: string, by: string): void {
  db.prepare('UPDATE sets SET updated_at = ?, updated_by = ? WHERE id = ?').run(at, by, id);
}

export function renameSetRow(db: Db, id: string, name: string, at: string, by: string): void {
  db.prepare('UPDATE sets SET name = ?, updated_at = ?, updated_by = ? WHERE id = ?').run(name, at, by, id);
}

/** Deletes the set; its member rows go with it (ON DELETE CASCADE). */
export function deleteSetRow(db: Db, id: string): void {
  db.prepare('DELETE FROM sets WHERE id = ?').run(id);
}

export function isNameTaken(db: Db, name: string, exceptId?: string): boolean {
  return db.prepare('SELECT 1 FROM sets WHERE name = ? AND id IS NOT ?').get(name, exceptId ?? null) !== undefined;
}

export function countItemizedMembers(db: Db, setId: string): number {
  return db.prepare('SELECT count(*) FROM set_members WHERE set_id = ?').pluck().get(setId) as number;
}

export function itemizedMemberCounts(db: Db): Map<string, number> {
  const rows = db.prepare<[], { set_id: string; n: number }>('SELECT set_id, count(*) AS n FROM set_members GROUP BY set_id').all();
  return new Map(rows.map((r) => [r.set_id, r.n]));
}

/**
 * A SELECT of `user_id, primary_id` of the set's current members: the stored members of
 * an itemized set, or the users a logical set's query matches at `now`.
 */
export function memberQuery(set: SetRecord, now: Date = new Date()): CompiledQuery {
  if (set.kind === 'LOGICAL') {
    const q = compileQuery(set.query!, now);
    return { sql: `SELECT users.id AS user_id, users.primary_id AS primary_id FROM users WHERE ${q.sql}`, params: q.params };
  }
  return {
    sql: 'SELECT m.user_id AS user_id, u.primary_id AS primary_id FROM set_members m JOIN users u ON u.id = m.user_id WHERE m.set_id = ?',
    params: [set.id],
  };
}

export function countMembers(db: Db, set: SetRecord, now: Date = new Date()): number {
  if (set.kind === 'ITEMIZED') return countItemizedMembers(db, set.id);
  const q = memberQuery(set, now);
  return db.prepare(`SELECT count(*) FROM (${q.sql})`).pluck().get(...q.params) as number;
}

/** The set's members as users, in primary-ID order, streamed. */
export function* setMembers(db: Db, set: SetRecord, limit?: number, now: Date = new Date()): Generator<StoredUser> {
  const q = memberQuery(set, now);
  const sql = `SELECT users.* FROM users WHERE users.id IN (SELECT user_id FROM (${q.sql})) ORDER BY users.primary_id${limit ? ' LIMIT ?' : ''}`;
  const params = limit ? [...q.params, limit] : q.params;
  for (const row of db.prepare(sql).iterate(...params)) yield rowToUser(row as Record<string, string | number | null>);
}

/** Stores the users a members SELECT (columns user_id, ...) returns as the set's members; returns how many were new. */
export function insertMembersFrom(db: Db, setId: string, select: CompiledQuery): number {
  return db.prepare(`INSERT OR IGNORE INTO set_members (set_id, user_id) SELECT ?, user_id FROM (${select.sql}) ORDER BY user_id`)
    .run(setId, ...select.params).changes;
}

/** Stores the current members of `source` (a logical set's evaluated at `now`) as the members of set `setId`. */
export function copyMembers(db: Db, setId: string, source: SetRecord, now: Date): number {
  return insertMembersFrom(db, setId, memberQuery(source, now));
}

export const COMBINE_OPS = ['and', 'or', 'not'] as const;
export type CombineOp = (typeof COMBINE_OPS)[number];

const SQL_OP: Record<CombineOp, string> = { and: 'INTERSECT', or: 'UNION', not: 'EXCEPT' };

/** Stores the users in both sets (and), in either (or), or in the first only (not) as the members of set `setId`. */
export function combineMembers(db: Db, setId: string, a: SetRecord, b: SetRecord, how: CombineOp, now: Date): number {
  const qa = memberQuery(a, now);
  const qb = memberQuery(b, now);
  return insertMembersFrom(db, setId, {
    sql: `SELECT user_id FROM (${qa.sql}) ${SQL_OP[how]} SELECT user_id FROM (${qb.sql})`,
    params: [...qa.params, ...qb.params],
  });
}
