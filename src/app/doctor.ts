import fs from 'node:fs';
import { CODE_TABLES } from '../domain/codes.js';
import { listCodes } from '../store/codes.js';
import { SCHEMA_VERSION, type Db } from '../store/db.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface Diagnosis {
  store: string;
  schema_version: number;
  schema_expected: number;
  users: number;
  checks: Check[];
  code_tables: Record<string, number>;
  config: Record<string, string>;
  ok: boolean;
}

/** Everything a person asks first when something looks wrong with a store. */
export function diagnose(db: Db, file: string): Diagnosis {
  const checks: Check[] = [];
  const version = db.pragma('user_version', { simple: true }) as number;
  checks.push({ name: 'schema', ok: version === SCHEMA_VERSION, detail: `version ${version} of ${SCHEMA_VERSION}` });

  const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
  checks.push({ name: 'integrity', ok: integrity.length === 1 && integrity[0] === 'ok', detail: integrity.slice(0, 5).join('; ') });

  const fk = db.pragma('foreign_key_check') as unknown[];
  checks.push({ name: 'foreign keys', ok: fk.length === 0, detail: fk.length ? `${fk.length} dangling references` : 'ok' });

  const mode = fs.statSync(file).mode & 0o777;
  checks.push({
    name: 'file permissions',
    ok: (mode & 0o077) === 0,
    detail: `${mode.toString(8).padStart(4, '0')}${mode & 0o077 ? ' (readable by others: chmod 600 the store)' : ''}`,
  });

  const journal = db.pragma('journal_mode', { simple: true }) as string;
  checks.push({ name: 'journal', ok: journal === 'wal', detail: journal });

  const initialised = db.prepare("SELECT value FROM config WHERE key = 'initialised_by'").get() as { value: string } | undefined;
  checks.push({
    name: 'initialised',
    ok: initialised !== undefined,
    detail: initialised ? `first operator ${initialised.value}` : 'not initialised: alma-users init --admin ID',
  });

  const code_tables: Record<string, number> = Object.fromEntries(CODE_TABLES.map((t) => [t, 0]));
  for (const c of listCodes(db)) code_tables[c.table] = (code_tables[c.table] ?? 0) + 1;

  const config: Record<string, string> = {};
  for (const r of db.prepare('SELECT key, value FROM config ORDER BY key').all() as { key: string; value: string }[]) {
    config[r.key] = r.value;
  }
  const users = (db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  return {
    store: file,
    schema_version: version,
    schema_expected: SCHEMA_VERSION,
    users,
    checks,
    code_tables,
    config,
    ok: checks.every((c) => c.ok),
  };
}
