import type { Db } from './db.js';

/** The store's configuration: one text value per key (the keys are in domain/config.ts). */

export function readConfig(db: Db): Map<string, string> {
  const rows = db.prepare<[], { key: string; value: string }>('SELECT key, value FROM config ORDER BY key').all();
  return new Map(rows.map((r) => [r.key, r.value]));
}

export function getConfig(db: Db, key: string): string | undefined {
  return db.prepare<[string], { value: string }>('SELECT value FROM config WHERE key = ?').get(key)?.value;
}

export function setConfig(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO config (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

/** Returns false when the key was not set. */
export function unsetConfig(db: Db, key: string): boolean {
  return db.prepare('DELETE FROM config WHERE key = ?').run(key).changes > 0;
}
