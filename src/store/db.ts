import fs from 'node:fs';
import path from 'node:path';
import type Sqlite from 'better-sqlite3';
import { StoreError } from '../domain/errors.js';
import { openSqlite } from './driver.js';
import { migrations, sqlOf } from './migrations/index.js';
import { registerSqlFunctions } from './sql-functions.js';

export type Db = Sqlite.Database;

/** The migrations beside this build, listed once per process. */
const MIGRATIONS = migrations();

export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

export interface OpenOptions {
  /** Create the file (mode 0600) when it does not exist, and lay out an empty one; otherwise a missing or empty store is an error. */
  create?: boolean;
}

/**
 * Waits for another writer's turn this long before giving up: a job's bulk holds the write
 * lock about a second, so a command queued behind a few of them still goes through.
 */
const BUSY_TIMEOUT_MS = 30_000;

/**
 * A store in a folder this user cannot write is read from a copy in memory (SQLite needs to
 * create its -shm file beside a WAL store even to read it); past this size that would cost
 * too much memory, and the store is refused with what to do instead.
 */
const READ_ONLY_COPY_MAX_BYTES = 256 * 1024 * 1024;

const REFUSED_UNTOUCHED = 'the file was left as it was';

/** Stores read from a copy in memory (readOnlyCopy). */
const copies = new WeakSet<Db>();

/**
 * Opens a store: checks that the file is one and its schema version before anything is
 * written, sets the pragmas, and applies pending migrations. A store written by a newer
 * alma-users, an empty file, a folder or another program's database are refused untouched.
 */
export function openStore(file: string, options: OpenOptions = {}): Db {
  const stat = statOf(file);
  if (!stat) {
    danglingLink(file);
    if (!options.create) {
      throw new StoreError(`no store at ${file}`, 'create one with: alma-users init --admin YOUR_ID (or name another with --db PATH)');
    }
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
    // SQLite gives the -wal and -shm files the permissions of the database file.
    fs.closeSync(fs.openSync(file, 'wx', 0o600));
  } else if (stat.isDirectory()) {
    throw new StoreError(`${file} is a folder, not a store`, 'name the store file with --db PATH (for example --db ~/alma/store.db)');
  } else if (stat.size === 0 && !options.create) {
    throw new StoreError(`${file} is empty (0 bytes): it is not an alma-users store; ${REFUSED_UNTOUCHED}`,
      'a copy cut short, or a file made by mistake: restore the store from a backup, or remove the file and run alma-users init');
  }
  const db = connect(file);
  try {
    const version = readVersion(db, file, options);
    if (version > SCHEMA_VERSION) {
      throw new StoreError(
        `store ${file} has schema version ${version}, newer than this alma-users understands (${SCHEMA_VERSION})`,
        'upgrade alma-users; the store was left untouched',
      );
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Letter bodies carry temporary passwords; deleted content must not linger in free pages.
    db.pragma('secure_delete = ON');
    if (version < SCHEMA_VERSION) migrate(db);
    registerSqlFunctions(db);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** The lines of SQLite's integrity_check or quick_check: one `ok` when all is well. A page too damaged to read is a line too. */
export function pageCheck(db: Db, pragma: 'integrity_check' | 'quick_check(5)'): string[] {
  return unlessDamaged(() => (db.pragma(pragma) as Record<string, string>[]).map((r) => Object.values(r)[0]!), (e) => [e.message]);
}

/** What `read` returns, or `damaged(error)` when SQLite finds a page it cannot read. */
function unlessDamaged<T, D = undefined>(read: () => T, damaged?: (e: Error) => D): T | D {
  try {
    return read();
  } catch (e) {
    if (!String((e as { code?: unknown }).code).startsWith('SQLITE_CORRUPT')) throw e;
    return damaged ? damaged(e as Error) : (undefined as D);
  }
}

function statOf(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StoreError(`cannot reach the store ${file}: ${(e as Error).message}`, 'check the path and the permissions of the folders above it');
  }
}

/** Refuses a store path that is a symbolic link to nothing: neither "no store" nor a store to create through the link. */
function danglingLink(file: string): void {
  let target: string;
  try {
    target = fs.readlinkSync(file);
  } catch {
    return;
  }
  throw new StoreError(`${file} is a symbolic link to ${target}, which does not exist`,
    'the store it pointed to was moved or its disk is not mounted: point the link at the store, or name the store itself with --db PATH');
}

/** A connection to the file, or to a read-only copy in memory when its folder cannot be written. */
function connect(file: string): Db {
  let db: Db;
  try {
    db = openSqlite(file);
  } catch (e) {
    throw new StoreError(`cannot open store ${file}: ${(e as Error).message}`, 'check that it is a file this user may read and write');
  }
  try {
    // The first read is where SQLite finds the folder read-only (it cannot create the -shm file).
    db.pragma('user_version', { simple: true });
    return db;
  } catch (e) {
    if (!folderReadOnly(e)) return db;
    db.close();
    return readOnlyCopy(file);
  }
}

function folderReadOnly(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === 'SQLITE_READONLY_DIRECTORY' || code === 'SQLITE_CANTOPEN';
}

function readOnlyCopy(file: string): Db {
  const size = fs.statSync(file).size;
  const wal = statOf(`${file}-wal`);
  if (size > READ_ONLY_COPY_MAX_BYTES || (wal && wal.size > 0)) {
    throw new StoreError(
      `the store ${file} is in a folder this user cannot write, and ${wal && wal.size > 0 ? 'its -wal file holds changes not yet in it' : `it is too large to read from memory (${Math.round(size / 1048576)} MB)`}`,
      'SQLite needs to write beside the store even to read it: run as the user who owns the folder, or copy the store (with its -wal file) to a folder you can write',
    );
  }
  let image: Buffer;
  try {
    image = fs.readFileSync(file);
  } catch (e) {
    throw new StoreError(`cannot read the store ${file}: ${(e as Error).message}`, 'check that this user may read it');
  }
  // Bytes 18 and 19 say WAL; a copy in memory is read as a plain (rollback-journal) database.
  if (image.length >= 20) image[18] = image[19] = 1;
  const db = openSqlite(image, { readonly: true });
  copies.add(db);
  return db;
}

/** What the store file says of itself: schema version, integrity, dangling references, journal mode. */
export interface StoreFacts {
  schemaVersion: number;
  /** SQLite's integrity_check lines: one `ok` when all is well. */
  integrity: string[];
  /** Undefined when damaged pages keep them from being counted. */
  danglingReferences: number | undefined;
  journalMode: string;
  /** Read from a copy in memory: this user cannot write the store's folder. */
  readOnlyCopy: boolean;
}

export function inspectStore(db: Db): StoreFacts {
  return {
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
    integrity: pageCheck(db, 'integrity_check'),
    danglingReferences: unlessDamaged(() => (db.pragma('foreign_key_check') as unknown[]).length),
    // A copy in memory journals nowhere; the file it was read from is in WAL mode.
    journalMode: copies.has(db) ? 'wal' : db.pragma('journal_mode', { simple: true }) as string,
    readOnlyCopy: copies.has(db),
  };
}

function readVersion(db: Db, file: string, options: OpenOptions): number {
  let version: number;
  try {
    version = db.pragma('user_version', { simple: true }) as number;
  } catch (e) {
    if ((e as { code?: unknown }).code !== 'SQLITE_NOTADB') throw e;
    throw new StoreError(`${file} is not an alma-users store (not an SQLite database); ${REFUSED_UNTOUCHED}`, 'name the store with --db PATH, or create one with alma-users init');
  }
  // Version 0 is a database nobody laid out: only init does, and only on one without tables.
  if (version === 0 && db.prepare("SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'").pluck().get() !== 0) {
    throw new StoreError(`${file} is an SQLite database of another program, not an alma-users store; ${REFUSED_UNTOUCHED}`, 'name a new file for the store: alma-users --db PATH init');
  }
  if (version === 0 && !options.create) {
    throw new StoreError(`${file} is not an alma-users store (an SQLite database without its schema); ${REFUSED_UNTOUCHED}`,
      'name the store with --db PATH, or create one with alma-users init');
  }
  return version;
}

function migrate(db: Db): void {
  const apply = db.transaction(() => {
    // Read again under the write lock: another process may have migrated meanwhile.
    const from = db.pragma('user_version', { simple: true }) as number;
    const pending = MIGRATIONS.filter((m) => m.version > from);
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`);
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of pending) {
      db.exec(sqlOf(m));
      record.run(m.version, m.name, new Date().toISOString());
      db.pragma(`user_version = ${m.version}`);
    }
  });
  apply.immediate();
}
