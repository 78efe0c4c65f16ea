import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from '../domain/errors.js';
import { migrations } from './migrations/index.js';
import { registerSqlFunctions } from './sql-functions.js';

export type Db = Database.Database;

export const SCHEMA_VERSION = migrations[migrations.length - 1]!.version;

export interface OpenOptions {
  /** Create the file (mode 0600) when it does not exist; otherwise a missing store is an error. */
  create?: boolean;
}

/**
 * Opens a store: checks its schema version before anything is written, sets the pragmas,
 * and applies pending migrations. A store written by a newer alma-users is refused untouched.
 */
export function openStore(file: string, options: OpenOptions = {}): Db {
  const exists = fs.existsSync(file);
  if (!exists) {
    if (!options.create) {
      throw new StoreError(`no store at ${file}`, 'create one with: alma-users init --admin YOUR_ID (or name another with --db PATH)');
    }
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
    // SQLite gives the -wal and -shm files the permissions of the database file.
    fs.closeSync(fs.openSync(file, 'wx', 0o600));
  }
  let db: Db;
  try {
    db = new Database(file);
  } catch (e) {
    throw new StoreError(`cannot open store ${file}: ${(e as Error).message}`);
  }
  try {
    const version = readVersion(db, file);
    if (version > SCHEMA_VERSION) {
      throw new StoreError(
        `store ${file} has schema version ${version}, newer than this alma-users understands (${SCHEMA_VERSION})`,
        'upgrade alma-users; the store was left untouched',
      );
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 10000');
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

/** What the store file says of itself: schema version, integrity, dangling references, journal mode. */
export interface StoreFacts {
  schemaVersion: number;
  /** SQLite's integrity_check lines: one `ok` when all is well. */
  integrity: string[];
  danglingReferences: number;
  journalMode: string;
}

export function inspectStore(db: Db): StoreFacts {
  return {
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
    integrity: (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check),
    danglingReferences: (db.pragma('foreign_key_check') as unknown[]).length,
    journalMode: db.pragma('journal_mode', { simple: true }) as string,
  };
}

function readVersion(db: Db, file: string): number {
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } catch (e) {
    throw new StoreError(`${file} is not an alma-users store: ${(e as Error).message}`);
  }
}

function migrate(db: Db): void {
  const apply = db.transaction(() => {
    // Read again under the write lock: another process may have migrated meanwhile.
    const from = db.pragma('user_version', { simple: true }) as number;
    const pending = migrations.filter((m) => m.version > from);
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`);
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of pending) {
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
      db.pragma(`user_version = ${m.version}`);
    }
  });
  apply.immediate();
}
