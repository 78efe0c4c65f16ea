import fs from 'node:fs';
import { CODE_TABLES } from '../domain/codes.js';
import { listCodes } from '../store/codes.js';
import { readConfig } from '../store/config.js';
import { inspectStore, SCHEMA_VERSION, type Db } from '../store/db.js';
import { initialisedBy } from '../store/init.js';
import { letterKeysFile, truncateWal } from '../store/outbox-secrets.js';
import { passwordLettersIn } from '../store/outbox-states.js';
import { UserStore } from '../store/users.js';

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
  const facts = inspectStore(db);
  const version = facts.schemaVersion;
  checks.push({ name: 'schema', ok: version === SCHEMA_VERSION, detail: `version ${version} of ${SCHEMA_VERSION}` });

  const integrity = facts.integrity;
  checks.push({ name: 'integrity', ok: integrity.length === 1 && integrity[0] === 'ok', detail: integrity.slice(0, 5).join('; ') });

  const fk = facts.danglingReferences;
  checks.push({ name: 'foreign keys', ok: fk === 0, detail: fk === undefined ? 'not checked: damaged pages' : fk ? `${fk} dangling references` : 'ok' });

  const mode = fs.statSync(file).mode & 0o777;
  checks.push({
    name: 'file permissions',
    ok: (mode & 0o077) === 0,
    detail: `${mode.toString(8).padStart(4, '0')}${mode & 0o077 ? ' (readable by others: chmod 600 the store)' : ''}`,
  });

  const journal = facts.journalMode;
  checks.push({ name: 'journal', ok: journal === 'wal', detail: journal });
  if (facts.readOnlyCopy) {
    checks.push({ name: 'access', ok: true, detail: 'read-only: this user cannot write the store\'s folder, so it was read from a copy in memory' });
  }

  // A -wal kept by another connection's read snapshot holds old pages; letters' password bodies in it are sealed, but say so.
  if (!facts.readOnlyCopy && journal === 'wal' && !truncateWal(db)) {
    const size = fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0;
    checks.push({ name: 'write-ahead log', ok: true, detail: `warning: ${file}-wal (${size} bytes) could not be truncated: another connection holds a read snapshot (a backup, the sqlite3 shell); run doctor again once it is closed` });
  }

  const keys = letterKeysCheck(db);
  if (keys) checks.push(keys);

  const initialised = initialisedBy(db);
  checks.push({
    name: 'initialised',
    ok: initialised !== undefined,
    detail: initialised !== undefined ? `first operator ${initialised}` : 'not initialised: alma-users init --admin ID',
  });

  const code_tables: Record<string, number> = Object.fromEntries(CODE_TABLES.map((t) => [t, 0]));
  for (const c of listCodes(db)) code_tables[c.table] = (code_tables[c.table] ?? 0) + 1;

  const config = Object.fromEntries(readConfig(db));
  const users = new UserStore(db).count();
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

/**
 * The password letters' keys, kept beside the store (outbox-secrets.ts): a store moved or
 * restored without them cannot send the password letters it holds; they fail, and
 * `mail retry --failed` gives their users new passwords. Undefined for a store in memory.
 */
function letterKeysCheck(db: Db): Check | undefined {
  const file = letterKeysFile(db);
  if (!file) return undefined;
  const waiting = passwordLettersIn(db, ['pending', 'sending'], undefined).length;
  const name = 'letter keys';
  let mode: number;
  try {
    mode = fs.statSync(file).mode & 0o777;
  } catch {
    if (waiting === 0) return { name, ok: true, detail: `${file}: none yet (written with the first password letter)` };
    return {
      name, ok: false,
      detail: `${file} is missing, so ${waiting} password letter(s) waiting to be sent cannot be: restore it from the backup made with the store, ` +
        'or let them fail and give those users new passwords: alma-users mail retry --failed',
    };
  }
  const open = mode & 0o077;
  return {
    name, ok: open === 0,
    detail: `${file} ${mode.toString(8).padStart(4, '0')}, ${waiting} password letter(s) waiting${open ? ' (readable by others: chmod 600 it)' : ''}; back it up and move it with the store`,
  };
}
