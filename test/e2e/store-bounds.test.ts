import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BIN, cli, cliProcess, ROOT, tempDir, tempStores } from '../helpers/cli.js';

const store = tempStores();

/** The bytes of a file, to show that a refused store was left exactly as it was. */
const bytes = (f: string) => fs.readFileSync(f).toString('base64');

describe('what is not a store is refused untouched (exit 1)', () => {
  it('a 0-byte file: refused by every command but init, and left empty', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = path.join(dir, 'store.db');
      fs.writeFileSync(file, '');
      const r = await cli(['users', 'list'], { env: { ALMA_USERS_DB: file } });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`error: ${file} is empty (0 bytes): it is not an alma-users store; the file was left as it was`);
      expect(r.stderr).toContain('hint: a copy cut short');
      expect(fs.statSync(file).size).toBe(0);
      expect(fs.readdirSync(dir)).toEqual(['store.db']);
    } finally {
      cleanup();
    }
  });

  it("a folder, a file that is no database and another program's SQLite database", async () => {
    const { dir, cleanup } = tempDir();
    try {
      const junk = path.join(dir, 'junk.db');
      fs.writeFileSync(junk, 'primary_id\nP1\n'.repeat(400));
      const other = path.join(dir, 'other.db');
      new Database(other).exec('CREATE TABLE notes (text TEXT)');
      const before = [bytes(junk), bytes(other)];
      const cases: [string, string][] = [
        [dir, `${dir} is a folder, not a store`],
        [junk, `${junk} is not an alma-users store (not an SQLite database); the file was left as it was`],
        [other, `${other} is an SQLite database of another program`],
      ];
      for (const [file, message] of cases) {
        const r = await cli(['users', 'list'], { env: { ALMA_USERS_DB: file } });
        expect(r.code, file).toBe(1);
        expect(r.stderr).toContain(message);
      }
      // init too leaves another program's database alone.
      const init = await cli(['init', '--admin', 'admin', '--first-name', 'A', '--last-name', 'B'], { env: { ALMA_USERS_DB: other } });
      expect(init.code).toBe(1);
      expect([bytes(junk), bytes(other)]).toEqual(before);
    } finally {
      cleanup();
    }
  });
});

describe('bounds of what is kept', () => {
  it('configuration values outside their range are refused with the range (exit 2)', async () => {
    const s = await store();
    for (const [key, value, message] of [
      ['mail.timeout', '0', 'mail.timeout: expected from 1s to 10m'],
      ['mail.pool_size', '1000000', 'mail.pool_size: expected a whole number from 1 to 50'],
      ['institution.name', 'Library\u001b]0;pwned\u0007', 'institution.name: the value holds an unprintable character (U+001B'],
    ]) {
      const r = await s.run(['config', 'set', key!, value!]);
      expect(r.code, key).toBe(2);
      expect(r.stderr).toContain(message);
    }
    const listed = JSON.parse((await s.run(['config', 'list', '--format', 'json'])).stdout) as { key: string; set: boolean }[];
    expect(listed.filter((e) => e.set && !e.key.startsWith('initialised'))).toEqual([]);
  });

  it('a code or its description holding a control character is refused (exit 2)', async () => {
    const s = await store();
    const esc = await s.run(['codes', 'add', 'user_group', 'VIS\u001b[31mITOR']);
    expect(esc.code).toBe(2);
    expect(esc.stderr).toContain('the code holds an unprintable character (U+001B');
    const desc = await s.run(['codes', 'add', 'user_group', 'VISITOR', 'Visiting\u0000scholar']);
    expect(desc.code).toBe(2);
    expect(desc.stderr).toContain('the description holds an unprintable character (U+0000');
    const codes = JSON.parse((await s.run(['codes', 'list', 'user_group', '--format', 'json'])).stdout) as { code: string }[];
    expect(codes.map((c) => c.code)).not.toContain('VISITOR');
  });
});

describe('a damaged store', () => {
  it('fails PRAGMA quick_check: reads still work, every write is refused with the hint to run doctor', async () => {
    const s = await store();
    expect((await s.run(['config', 'set', 'institution.name', 'Before'])).code).toBe(0);
    // Break the audit table's root page (no command here reads it): its page type byte.
    const d = new Database(s.db);
    d.pragma('wal_checkpoint(TRUNCATE)');
    const page = d.prepare("SELECT pageno FROM dbstat WHERE name = 'audit' ORDER BY pageno LIMIT 1").pluck().get() as number;
    const size = d.pragma('page_size', { simple: true }) as number;
    d.close();
    // The last command vouched for the file as it left it (check-stamp.ts); the damage keeps the file's times, as a careful editor would.
    expect(fs.existsSync(`${s.db}-checked`)).toBe(true);
    const times = fs.statSync(s.db);
    const fd = fs.openSync(s.db, 'r+');
    fs.writeSync(fd, Buffer.from([0xff]), 0, 1, (page - 1) * size);
    fs.closeSync(fd);
    fs.utimesSync(s.db, times.atime, times.mtime);

    const write = await s.run(['config', 'set', 'institution.name', 'After']);
    expect(write.code).toBe(1);
    expect(write.stderr).toContain(`error: the store ${s.db} failed its integrity check (`);
    expect(write.stderr).toContain('hint: see what is wrong with: alma-users doctor');
    const code = await s.run(['codes', 'add', 'user_group', 'VISITOR']);
    expect(code.code).toBe(1);
    expect(code.stderr).toContain('failed its integrity check');

    expect((await s.run(['config', 'get', 'institution.name'])).stdout).toBe('Before\n');
    expect((await s.run(['users', 'show', 'admin', '--format', 'json'])).code).toBe(0);
    const doctor = await s.run(['doctor', '--format', 'json']);
    expect(doctor.code).toBe(1);
    expect((JSON.parse(doctor.stdout) as { checks: { name: string; ok: boolean }[] }).checks.find((c) => c.name === 'integrity')?.ok).toBe(false);
  });
});

/**
 * As root, the CLI runs as `nobody`, who must be able to load it: a checkout under a private
 * folder (a home of mode 0700) cannot be tested that way, and says so instead of failing.
 */
const nobodyCanRun = process.getuid?.() !== 0 || spawnSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(ROOT, 'node_modules', 'better-sqlite3'))}); require('fs').accessSync(${JSON.stringify(BIN)})`], { uid: 65534, gid: 65534 }).status === 0;

describe('a store this user cannot write (a real process, as another user when the tests run as root)', () => {
  it.skipIf(!nobodyCanRun)('reads work, from a read-only folder too; a write is refused as read-only (exit 1), never "not an alma-users store"', async () => {
    const s = await store();
    expect((await s.run(['config', 'set', 'institution.name', 'Read Only Library'])).code).toBe(0);
    const folder = path.join(s.dir, 'ro');
    fs.mkdirSync(folder);
    const file = path.join(folder, 'store.db');
    const d = new Database(s.db);
    await d.backup(file);
    d.close();
    const asRoot = process.getuid?.() === 0;
    // root writes anywhere: the CLI runs as `nobody`, who may read the store but not write it or its folder.
    fs.chmodSync(file, 0o644);
    fs.chmodSync(folder, 0o555);
    fs.chmodSync(s.dir, 0o755);
    const run = (args: string[]) => cliProcess(args, { env: { ALMA_USERS_DB: file, ALMA_USERS_OPERATOR: 'admin' }, ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
    try {
      const list = await run(['config', 'get', 'institution.name']);
      expect(list.stderr).toBe('');
      expect(list.stdout).toBe('Read Only Library\n');
      const doctor = await run(['doctor', '--format', 'json']);
      const checks = (JSON.parse(doctor.stdout) as { checks: { name: string; ok: boolean; detail: string }[] }).checks;
      expect(checks.find((c) => c.name === 'access')).toMatchObject({ ok: true, detail: expect.stringContaining('read-only') });
      const write = await run(['config', 'set', 'institution.name', 'Changed']);
      expect(write.code).toBe(1);
      expect(write.stderr).toContain(`error: the store ${file} cannot be written: the file, its folder or the disk is read-only for this user`);
      expect(write.stderr).not.toContain('not an alma-users store');
      expect(write.stderr).not.toMatch(/^\s+at /m);
      // The stack, only when asked for.
      const debug = await cliProcess(['config', 'set', 'institution.name', 'Changed'], { env: { ALMA_USERS_DB: file, ALMA_USERS_OPERATOR: 'admin', ALMA_USERS_DEBUG: '1' }, ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
      expect(debug.stderr).toMatch(/^\s+at /m);
      expect(fs.readdirSync(folder)).toEqual(['store.db']);
    } finally {
      fs.chmodSync(folder, 0o755);
    }
  });
});
