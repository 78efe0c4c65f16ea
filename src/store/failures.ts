import Sqlite from 'better-sqlite3';
import { EnvironmentError, StoreError } from '../domain/errors.js';
import { checkedRecently, forgetCheck } from './check-stamp.js';
import { pageCheck, type Db } from './db.js';
import { openSqlite } from './driver.js';
import { JobStore } from './jobs.js';

/**
 * SQLite's failures as a person reads them: which store, what happened, what to do. Only
 * the store layer knows SQLite's codes; main.ts asks here (through app/session.ts) before
 * it prints an error it does not know.
 */

/** The store this process opened last: a failure of a statement carries no file name. */
let lastOpened: string | undefined;
/** Stores whose writes this process refused on purpose (query_only), and why. */
const refusals = new Map<string, StoreError>();

export function noteOpened(file: string): void {
  lastOpened = file;
}

/**
 * Checks the store's pages (PRAGMA quick_check, about a second per gigabyte) before a
 * command acts on it, unless nothing but alma-users touched the file since a check less than
 * a day old (check-stamp.ts): a damaged store keeps answering reads, so that what it holds
 * can be exported, but refuses every write with the hint to run doctor. Returns when the
 * pages were last found sound (for stampChecked once the store is closed), or undefined
 * when they are not.
 */
export function guardWrites(db: Db, file: string, now = new Date()): string | undefined {
  const earlier = checkedRecently(file, now);
  if (earlier) return earlier;
  const problems = pageCheck(db, 'quick_check(5)');
  if (problems.length === 1 && problems[0] === 'ok') return now.toISOString();
  forgetCheck(file);
  // From now on writes fail (query_only), and the failure reads as this.
  db.pragma('query_only = ON');
  refusals.set(file, new StoreError(
    `the store ${file} failed its integrity check (${problems.join('; ')}); it was not changed`,
    'see what is wrong with: alma-users doctor; restore the store from a backup (reading it still works: alma-users users export)',
  ));
  return undefined;
}

interface SqliteFailure extends Error {
  code: string;
}

function isSqliteFailure(e: unknown): e is SqliteFailure {
  return e instanceof Sqlite.SqliteError;
}

/** A failure that means the store cannot be written (read-only file, folder or disk). */
export function isReadOnlyFailure(e: unknown): boolean {
  return isSqliteFailure(e) && e.code.startsWith('SQLITE_READONLY');
}

/** The typed error for an SQLite failure, or undefined when `e` is none. */
export function storeFailure(e: unknown, file = lastOpened): StoreError | EnvironmentError | undefined {
  if (!isSqliteFailure(e)) return undefined;
  const store = file ? `the store ${file}` : 'the store';
  const code = e.code;
  if (code.startsWith('SQLITE_READONLY')) {
    const refused = file ? refusals.get(file) : undefined;
    if (refused) return refused;
    return new StoreError(
      `${store} cannot be written: the file, its folder or the disk is read-only for this user (${code}); nothing was changed`,
      'commands that only read work; to change it, run as the user who owns it, or make the file and its folder writable (SQLite keeps its -wal and -shm files beside it)',
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreError(
      `${store} stayed busy for too long: ${file ? holders(file) : 'another process held its write lock'}; nothing was changed`,
      'run the command again when it has ended (alma-users job list --running shows the jobs at work)',
    );
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new StoreError(`${store} is damaged (${e.message})`, 'see what is wrong with: alma-users doctor; then restore the store from a backup');
  }
  if (code === 'SQLITE_FULL') {
    return new EnvironmentError(
      `the disk holding ${file ?? 'the store'} is full; the step in progress was rolled back`,
      'free some space and run the command again (a job that stopped: alma-users job resume ID)',
    );
  }
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM') {
    return new EnvironmentError(`${store} could not be read or written (${code}: ${e.message})`, 'check the disk and the permissions of the store and its folder');
  }
  return new StoreError(`${store} refused the operation (${code}: ${e.message})`, 'run alma-users doctor; with ALMA_USERS_DEBUG=1 the error shows where it happened');
}

/** Who holds the store, read through a connection of its own (WAL readers never wait). */
function holders(file: string): string {
  let db: Sqlite.Database | undefined;
  try {
    db = openSqlite(file, { readonly: true, fileMustExist: true });
    const running = new JobStore(db).list({ running: true });
    if (running.length === 0) return 'another program held its write lock (another alma-users command, a backup, or the sqlite3 shell)';
    return running
      .map((j) => `job ${j.id}${j.name ? ` (${j.name})` : ''} of ${j.operator} is ${j.status.toLowerCase()}, pid ${j.pid ?? '?'} on ${j.host ?? '?'}`)
      .join('; ');
  } catch {
    return 'another process held its write lock';
  } finally {
    db?.close();
  }
}
