import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations, sqlOf } from '../../src/store/migrations/index.js';
import { cli, tempDir, tempStore } from '../helpers/cli.js';
import { patron, seedUsers } from '../helpers/seed.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

/** `users show ID --format json`: the user as Alma's API gives it. */
interface ShownUser {
  primary_id: string;
  record_type: { value: string };
  account_type: { value: string };
  status: { value: string };
  user_role: { role_type: { value: string }; status: { value: string } }[];
}

describe('init', () => {
  it('creates a 0600 store whose first operator is an internal STAFF user holding User Administrator', async () => {
    const s = await tempStore();
    cleanups.push(s.cleanup);
    // What no command shows: the file's own permissions.
    expect(fs.statSync(s.db).mode & 0o777).toBe(0o600);
    const shown = await s.run(['users', 'show', 'admin', '--format', 'json']);
    expect(shown.code).toBe(0);
    const admin = JSON.parse(shown.stdout) as ShownUser;
    expect(admin.record_type.value).toBe('STAFF');
    expect(admin.account_type.value).toBe('INTERNAL');
    expect(admin.status.value).toBe('ACTIVE');
    expect(admin.user_role.map((r) => [r.role_type.value, r.status.value])).toEqual([['user-administrator', 'ACTIVE']]);
    expect((await s.run(['config', 'get', 'initialised_by'])).stdout).toBe('admin\n');
  });

  it('changes nothing when run again, and says so', async () => {
    const s = await tempStore();
    cleanups.push(s.cleanup);
    const r = await s.run(['init', '--admin', 'someone-else', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/already initialised \(operator admin\); nothing changed/);
    expect(JSON.parse(r.stdout)).toEqual({ store: s.db, created: false, admin: 'admin' });
    const d = JSON.parse((await s.run(['doctor', '--format', 'json'])).stdout);
    expect(d.users).toBe(1);
    expect(d.config.initialised_by).toBe('admin');
    expect((await s.run(['users', 'show', 'someone-else'])).code).toBe(2);
  });
});

describe('opening a store', () => {
  it('refuses a missing store with the command that creates one (exit 1)', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const r = await cli(['users', 'list'], { env: { ALMA_USERS_DB: path.join(dir, 'none.db') } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no store at');
    expect(r.stderr).toContain('alma-users init --admin');
    expect(fs.existsSync(path.join(dir, 'none.db'))).toBe(false);
  });

  it('refuses an empty --db or --operator (an unset variable in a script) instead of falling back to the environment (exit 2)', async () => {
    const s = await tempStore();
    cleanups.push(s.cleanup);
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const home = { HOME: dir, XDG_DATA_HOME: dir };
    for (const args of [['--db', '', 'init', '--admin', 'x'], ['--db', ' ', 'users', 'list'], ['--operator', '', 'users', 'list']]) {
      const r = await s.run(args, { env: home });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/argument '\s*' is invalid\. it is empty \(an unset shell variable\?\)/);
      expect(r.stdout).toBe('');
    }
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('refuses a store from a newer version and leaves it byte for byte as it was', async () => {
    const s = await tempStore();
    cleanups.push(s.cleanup);
    const db = new Database(s.db);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.pragma('user_version = 999');
    db.close();
    const before = fs.readFileSync(s.db);
    const r = await s.run(['users', 'list']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/schema version 999, newer than this alma-users understands/);
    expect(fs.readFileSync(s.db).equals(before)).toBe(true);
  });

  it('migrates an older store forward when it is opened', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    // A store as the first released schema left it: migration 1 only, with a user in it.
    const file = path.join(dir, 'old.db');
    const old = new Database(file);
    old.exec(sqlOf(migrations()[0]!));
    old.pragma('user_version = 1');
    old.prepare(`INSERT INTO users (primary_id, record_type, account_type, status, roles, created_at, created_by, updated_at, updated_by)
      VALUES ('0042', 'STAFF', 'INTERNAL', 'ACTIVE', '[{"role":"user-administrator","status":"ACTIVE"}]', 'x', 'x', 'x', 'x')`).run();
    old.close();
    const r = await cli(['--db', file, 'doctor', '--format', 'json']);
    const d = JSON.parse(r.stdout);
    expect(d.schema_version).toBe(migrations().at(-1)!.version);
    expect(d.checks.find((c: { name: string }) => c.name === 'schema').ok).toBe(true);
    expect(d.users).toBe(1);
    const db = new Database(file, { readonly: true });
    const applied = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    db.close();
    expect(applied).toEqual(migrations().slice(1).map((m) => m.version));
  });

  it('knows its migrations as files numbered from 1 without a gap, each read by version and name', () => {
    const all = migrations();
    expect(all.map((m) => m.version)).toEqual(all.map((_, i) => i + 1));
    expect(all.length).toBeGreaterThanOrEqual(12);
    expect(all[0]).toMatchObject({ version: 1, name: 'users-and-codes' });
    expect(sqlOf(all[0]!)).toMatch(/^CREATE TABLE users \(/m);
  });

  it('uses --db over ALMA_USERS_DB, and the XDG data directory when neither is set', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const xdg = path.join(dir, 'xdg');
    const r = await cli(['init', '--admin', 'a1'], { env: { XDG_DATA_HOME: xdg } });
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(xdg, 'alma-users', 'store.db'))).toBe(true);
    const d = await cli(['doctor', '--format', 'json'], { env: { XDG_DATA_HOME: xdg } });
    expect(JSON.parse(d.stdout).store).toBe(path.join(xdg, 'alma-users', 'store.db'));
    const other = path.join(dir, 'other.db');
    await cli(['--db', other, 'init', '--admin', 'a2'], { env: { ALMA_USERS_DB: path.join(dir, 'env.db') } });
    expect(fs.existsSync(other)).toBe(true);
    expect(fs.existsSync(path.join(dir, 'env.db'))).toBe(false);
  });
});

describe('doctor', () => {
  it('reports the store, schema, integrity and code tables', async () => {
    const s = await tempStore();
    cleanups.push(s.cleanup);
    const r = await s.run(['doctor', '--format', 'json']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.store).toBe(s.db);
    expect(d.ok).toBe(true);
    expect(d.checks.map((c: { name: string }) => c.name)).toEqual(
      expect.arrayContaining(['schema', 'integrity', 'file permissions', 'journal']),
    );
    expect(d.code_tables.user_group).toBe(5);
  });

  it('exits non-zero when the store is readable by others', async () => {
    const s = await tempStore();
    cleanups.push(s.cleanup);
    fs.chmodSync(s.db, 0o644);
    const r = await s.run(['doctor']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/file permissions\s+PROBLEM/);
  });
});

describe('codes and the operator', () => {
  it('lists the default code tables', async () => {
    const s = await tempStore();
    cleanups.push(s.cleanup);
    const r = await s.run(['codes', 'list', 'role', '--format', 'json']);
    expect(r.code).toBe(0);
    const roles = JSON.parse(r.stdout);
    expect(roles.map((x: { code: string }) => x.code)).toEqual(expect.arrayContaining([
      'patron', 'user-manager', 'user-administrator', 'license-viewer', 'cataloger', 'requests-operator',
      'circulation-desk-operator', 'general-system-administrator',
    ]));
    expect(roles.find((x: { code: string }) => x.code === 'circulation-desk-operator').needs_parameters).toBe(true);
  });

  it('lists every table when none is named', async () => {
    const s = await tempStore();
    cleanups.push(s.cleanup);
    const r = await s.run(['codes', 'list', '--format', 'json']);
    expect(r.code).toBe(0);
    const tables = new Set(JSON.parse(r.stdout).map((c: { table: string }) => c.table));
    expect(tables).toEqual(new Set(['user_group', 'job_category', 'role', 'library', 'block_description', 'identifier_type',
      'notification_type', 'note_type', 'statistic_category', 'campus', 'user_title', 'cataloger_level', 'rs_library']));
  });

  it('adds and removes a code as a User Administrator', async () => {
    const s = await tempStore();
    cleanups.push(s.cleanup);
    expect((await s.run(['codes', 'add', 'user_group', 'VISITOR', 'Visiting scholar'])).code).toBe(0);
    const listed = JSON.parse((await s.run(['codes', 'list', 'user_group', '--format', 'json'])).stdout);
    expect(listed).toContainEqual(expect.objectContaining({ code: 'VISITOR', description: 'Visiting scholar' }));
    expect((await s.run(['codes', 'remove', 'user_group', 'VISITOR'])).code).toBe(0);
    const after = JSON.parse((await s.run(['codes', 'list', 'user_group', '--format', 'json'])).stdout);
    expect(after).not.toContainEqual(expect.objectContaining({ code: 'VISITOR' }));
  });

  it('needs an operator to change code tables: exit 2 with the fix', async () => {
    const s = await tempStore();
    cleanups.push(s.cleanup);
    const r = await s.run(['codes', 'add', 'user_group', 'X'], { env: { ALMA_USERS_OPERATOR: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--operator ID');
  });

  it('refuses an operator who is not in the store: exit 4', async () => {
    const s = await tempStore();
    cleanups.push(s.cleanup);
    const r = await s.run(['--operator', 'nobody', 'codes', 'add', 'user_group', 'X']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('operator nobody is not a user');
  });

  it('names an unknown table and lists the real ones (exit 2)', async () => {
    const s = await tempStore();
    cleanups.push(s.cleanup);
    const r = await s.run(['codes', 'list', 'colours']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown code table colours');
    expect(r.stderr).toContain('user_group');
  });
});

describe('config', () => {
  interface Entry { key: string; value: string | null; set: boolean }
  const entries = async (s: Awaited<ReturnType<typeof tempStore>>) =>
    JSON.parse((await s.run(['config', 'list', '--format', 'json'])).stdout) as Entry[];

  it('sets, gets, lists and unsets a key', async () => {
    const s = await tempStore();
    cleanups.push(s.cleanup);
    expect((await s.run(['config', 'get', 'mail.timeout'])).code).toBe(2);
    expect((await s.run(['config', 'set', 'mail.timeout', '10s'])).stderr).toBe('mail.timeout = 10s\n');
    expect(JSON.parse((await s.run(['config', 'get', 'mail.timeout', '--format', 'json'])).stdout)).toEqual({ key: 'mail.timeout', value: '10s' });
    expect((await entries(s)).find((e) => e.key === 'mail.timeout')).toMatchObject({ value: '10s', set: true });
    const unset = await s.run(['config', 'unset', 'mail.timeout', '--format', 'json']);
    expect(JSON.parse(unset.stdout)).toEqual({ key: 'mail.timeout', removed: true });
    expect((await entries(s)).find((e) => e.key === 'mail.timeout')).toMatchObject({ value: null, set: false });
    expect((await s.run(['config', 'unset', 'mail.timeout'])).stderr).toContain('was not set; nothing changed');
  });

  it('lists the keys init wrote after the settable ones, and says when the environment overrides the SMTP URL', async () => {
    const s = await tempStore();
    cleanups.push(s.cleanup);
    const keys = (await entries(s)).map((e) => e.key);
    expect(keys.slice(-2)).toEqual(['initialised_by', 'initialised_at']);
    const r = await s.run(['config', 'list'], { env: { ALMA_USERS_SMTP_URL: 'smtp://relay.example.edu' } });
    expect(r.stderr).toContain('ALMA_USERS_SMTP_URL is set: it overrides mail.smtp_url');
  });

  it('stores a folder setting as an absolute path, resolved where the command ran', async () => {
    const s = await tempStore();
    cleanups.push(s.cleanup);
    expect((await s.run(['config', 'set', 'mail.outbox_dir', 'spool'], { cwd: s.dir })).code).toBe(0);
    expect((await s.run(['config', 'get', 'mail.outbox_dir'])).stdout).toBe(path.join(s.dir, 'spool') + '\n');
  });

  it('refuses a bad value, an unknown key and a key init owns before looking at the operator (exit 2)', async () => {
    const s = await tempStore();
    cleanups.push(s.cleanup);
    const noOperator = { env: { ALMA_USERS_OPERATOR: '' } };
    const bad = await s.run(['config', 'set', 'mail.pool_size', '0'], noOperator);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("error: mail.pool_size: expected a whole number above 0\nhint: for example: alma-users config set mail.pool_size '5'\n");
    const unknown = await s.run(['config', 'unset', 'mail.colour'], noOperator);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('keys: institution.name,');
    expect((await s.run(['config', 'set', 'initialised_by', 'me'])).stderr).toContain('is set by alma-users init and cannot be changed');
  });

  it('keeps a password out of the store: an SMTP URL with one is refused', async () => {
    const s = await tempStore();
    cleanups.push(s.cleanup);
    const r = await s.run(['config', 'set', 'mail.smtp_url', 'smtp://u:s3cret-pw@relay.example.edu']);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('s3cret-pw');
    expect((await s.run(['config', 'get', 'mail.smtp_url'])).code).toBe(2);
  });

  it('lets only a User Administrator change it (a User Manager: exit 4); anyone may read it', async () => {
    const s = await tempStore();
    cleanups.push(s.cleanup);
    seedUsers(s.db, [patron('mgr', { record_type: 'STAFF', roles: [{ role: 'user-manager', status: 'ACTIVE' }] })]);
    const asManager = { env: { ALMA_USERS_OPERATOR: 'mgr' } };
    const set = await s.run(['config', 'set', 'institution.name', 'X'], asManager);
    expect(set.code).toBe(4);
    expect(set.stderr).toContain('changing the configuration needs the User Administrator role');
    expect((await s.run(['config', 'unset', 'institution.name'], asManager)).code).toBe(4);
    expect((await s.run(['config', 'get', 'initialised_by'], asManager)).code).toBe(0);
  });
});
