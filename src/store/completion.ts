import type { Db } from './db.js';
import { openSqlite } from './driver.js';

/**
 * The names shell completion offers from a store: a few small SELECTs on a connection
 * opened read-only, without openStore's checks, migrations or job recovery, since it runs
 * on every Tab press and must never change, lock or complain about the store.
 */

/** A name and what it is, as a shell shows it beside the name. */
export interface NameRow {
  value: string;
  help: string;
}

/** Waits at most this long for a writer in the middle of a commit: a Tab press cannot wait. */
const BUSY_MS = 100;

/**
 * What `read` finds in the store at `file`, or nothing when there is no store, it cannot be
 * read, or its schema lacks what `read` asks for (an older or newer alma-users).
 */
export function readNames(file: string, read: (db: Db) => NameRow[]): NameRow[] {
  let db: Db | undefined;
  try {
    db = openSqlite(file, { readonly: true, fileMustExist: true, timeout: BUSY_MS });
    return read(db);
  } catch {
    return [];
  } finally {
    db?.close();
  }
}

/** The sets an operator uses: the public ones and their own (the default of `set list`). */
export function setNames(db: Db, operator: string | undefined): NameRow[] {
  return db
    .prepare<[string | null], NameRow>(
      `SELECT name AS value, lower(kind) || ' set' || CASE WHEN public = 1 THEN ', public' ELSE '' END AS help
       FROM sets WHERE public = 1 OR owner = ? ORDER BY name`,
    )
    .all(operator ?? null);
}

/** The latest jobs, newest first, each with its type, status and set. */
export function jobIds(db: Db, limit: number): NameRow[] {
  return db
    .prepare<[number], NameRow>(
      `SELECT id AS value, type || ', ' || status || coalesce(' (' || set_name || ')', '') AS help
       FROM jobs ORDER BY submitted_at DESC, rowid DESC LIMIT ?`,
    )
    .all(limit);
}

/** The codes of a code table with their descriptions. */
export function codeNames(db: Db, table: string): NameRow[] {
  return db
    .prepare<[string], NameRow>("SELECT code AS value, coalesce(description, '') AS help FROM codes WHERE code_table = ? ORDER BY code")
    .all(table);
}
