import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempStores, type CliResult } from '../helpers/cli.js';
import { patrons, storeWithSet } from '../helpers/jobs.js';
import { patron, seedUsers } from '../helpers/seed.js';
import { zipOf } from '../helpers/zip.js';

/**
 * What the first checks of issue 11 left: control characters in codes of import files, a
 * NUL byte past the first 64 kB, a preview file of a run that failed, and settings kept
 * before their ranges existed.
 */

const tempStore = tempStores();
const HEADER = 'primary_id,first_name,last_name,user_group,roles';

function expectRefused(r: CliResult, message: string | RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).toMatch(/^hint: /m);
}

describe('codes holding control characters in import files', () => {
  it('are rejected with their line, with or without --add-missing-codes, and no such code is added', async () => {
    const s = await tempStore();
    const f = s.file('users.csv', `${HEADER}\nA1,Ann,Lee,GRAD,patron\nA2,Bob,Lee,GR\x1bAD,patron\nA3,Cy,Lee,GRAD,pat\x1bron\n`);
    const codesBefore = (await s.run(['codes', 'list', '--format', 'json'])).stdout;
    for (const extra of [[], ['--add-missing-codes']]) {
      const r = await s.run(['users', 'import', f, '--format', 'json', ...extra]);
      expect(r.code).toBe(3);
      const report = JSON.parse(r.stdout) as { rejections: { file: string; line: number; reason: string }[]; codes_added: unknown[] };
      expect(report.rejections.map((x) => [x.file, x.line, x.reason])).toEqual([
        [f, 3, 'user_group: holds a control character (U+001B), which no field may hold'],
        [f, 4, 'roles[1].role: holds a control character (U+001B), which no field may hold'],
      ]);
      expect(report.codes_added).toEqual([]);
    }
    expect((await s.run(['codes', 'list', '--format', 'json'])).stdout).toBe(codesBefore);
  });
});

describe('a NUL byte after the first 64 kB', () => {
  it('refuses an import file and an ID file whole, as one in the first 64 kB does, naming the byte', async () => {
    const s = await tempStore();
    const rows = Array.from({ length: 6000 }, (_, i) => `B${String(i).padStart(5, '0')},Ann,Lee,GRAD,patron`);
    rows[5000] = 'B05000,Ann,Lee,GR\x00AD,patron';
    const text = `${HEADER}\n${rows.join('\n')}\n`;
    const at = Buffer.from(text).indexOf(0) + 1;
    expect(at).toBeGreaterThan(64 * 1024);
    const r = await s.run(['users', 'import', s.file('late-nul.csv', text)]);
    expectRefused(r, `late-nul.csv: is not a text file (a NUL byte at byte ${at})`);
    expect(JSON.parse((await s.run(['users', 'list', '--format', 'json'])).stdout)).toHaveLength(1);

    const ids = Array.from({ length: 12000 }, (_, i) => `ID${String(i).padStart(6, '0')}`);
    ids[11000] = 'ID\x00X';
    const idText = `${ids.join('\n')}\n`;
    const idAt = Buffer.from(idText).indexOf(0) + 1;
    expect(idAt).toBeGreaterThan(64 * 1024);
    const set = await s.run(['set', 'create', 'late', '--from-file', s.file('ids.txt', idText)]);
    expectRefused(set, `ids.txt: is not a text, CSV or .xlsx file (a NUL byte at byte ${idAt})`);
    expect(JSON.parse((await s.run(['set', 'list', '--format', 'json'])).stdout)).toEqual([]);
  });

  it('refuses a users sync archive whose XML holds a NUL byte, or a byte that is not UTF-8, past its first 64 kB', async () => {
    const s = await tempStore();
    for (const [bad, message] of [[0x00, /users\.xml: is not a text file \(a NUL byte at byte 70\d\d\d\)/], [0xff, /users\.xml: is not UTF-8 text \(byte 0xFF on line 4\)/]] as const) {
      const xml = Buffer.concat([
        Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<users>\n<!-- ${'x'.repeat(70000)} -->\n<user><primary_id>S1</primary_id><first_name>J`),
        Buffer.from([bad]), Buffer.from('rg</first_name><last_name>M</last_name></user>\n</users>\n'),
      ]);
      const r = await s.run(['users', 'sync', s.file('sis.zip', zipOf([{ name: 'users.xml', data: xml, deflate: true }])), '--profile', 'SIS']);
      expectRefused(r, message);
    }
    expect(JSON.parse((await s.run(['users', 'list', '--format', 'json'])).stdout)).toHaveLength(1);
  });
});

describe('--preview-file of a dry run that fails', () => {
  /** Damages one user's stored notes, as a bad disk sector would: reading that user fails mid-run. */
  function damage(db: string, primaryId: string): void {
    const d = new Database(db);
    d.prepare("UPDATE users SET notes = '[broken' WHERE primary_id = ?").run(primaryId);
    d.close();
  }

  it('job run --dry-run: the file is removed, not left half-written; a file there before is left as it was', async () => {
    const s = await storeWithSet(patrons(60));
    try {
      damage(s.db, 'P00040');
      const preview = path.join(s.dir, 'preview.csv');
      const r = await s.run(['job', 'run', 'update-notify', '--set', 'members', '--add-note', 'x', '--dry-run', '--preview-file', preview]);
      expect(r.code).not.toBe(0);
      expect(fs.readdirSync(s.dir).filter((f) => f.startsWith('preview'))).toEqual([]);

      fs.writeFileSync(preview, 'the last good preview\n');
      await s.run(['job', 'run', 'update-notify', '--set', 'members', '--add-note', 'x', '--dry-run', '--preview-file', preview]);
      expect(fs.readFileSync(preview, 'utf8')).toBe('the last good preview\n');
      expect(fs.readdirSync(s.dir).filter((f) => f.startsWith('preview'))).toEqual(['preview.csv']);
    } finally {
      s.cleanup();
    }
  });

  it('users import --dry-run: the file is removed', async () => {
    const s = await tempStore();
    seedUsers(s.db, patrons(60));
    damage(s.db, 'P00040');
    const rows = patrons(60).map((u) => `${u.primary_id},New,Name,GRAD,patron`);
    const preview = path.join(s.dir, 'preview.csv');
    const r = await s.run(['users', 'import', s.file('users.csv', `${HEADER}\n${rows.join('\n')}\n`), '--dry-run', '--preview-file', preview]);
    expect(r.code).not.toBe(0);
    expect(fs.readdirSync(s.dir).filter((f) => f.startsWith('preview'))).toEqual([]);
  });
});

describe('sending settings kept before their ranges existed', () => {
  /** What an older alma-users let `config set` keep. */
  function keep(db: string, key: string, value: string): void {
    const d = new Database(db);
    d.prepare('INSERT INTO config (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
    d.close();
  }

  it('are refused when read, with the config set hint, before anything is changed or sent; fixed, the job runs', async () => {
    const s = await tempStore();
    seedUsers(s.db, [patron('0001')]);
    expect((await s.run(['set', 'create', 'one', '--query', 'primary_id = "0001"'])).code).toBe(0);
    expect((await s.run(['config', 'set', 'institution.email', 'library@example.edu'])).code).toBe(0);
    const smtp = { ALMA_USERS_SMTP_URL: 'smtp://127.0.0.1:9' };
    const job = ['job', 'run', 'update-notify', '--set', 'one', '--add-note', 'hello', '--notify', 'GENERAL_MESSAGE'];
    const cases: [string, string, Record<string, string>][] = [
      ['mail.pool_size', '1000000', smtp],
      ['mail.timeout', '0s', smtp],
      ['mail.retry_delays', Array(11).fill('1s').join(','), {}],
    ];
    for (const [key, value, env] of cases) {
      keep(s.db, key, value);
      const r = await s.run(job, { env });
      expectRefused(r, `the store's ${key} is ${JSON.stringify(value)}, kept before this range existed`);
      expect(r.stderr).toContain(`hint: for example: alma-users config set ${key}`);
      expect(r.stderr).toContain(`config unset ${key}`);
      expectRefused(await s.run(['mail', 'retry'], { env }), `the store's ${key}`);
      expect((await s.run(['config', 'unset', key])).code).toBe(0);
    }
    const notes = JSON.parse((await s.run(['users', 'show', '0001', '--format', 'json'])).stdout) as { user_note: unknown[] };
    expect(notes.user_note).toEqual([]);
    expect(JSON.parse((await s.run(['mail', 'list', '--format', 'json'])).stdout)).toEqual([]);
    const ok = await s.run(job);
    expect(ok.code, ok.stderr).toBe(0);
  });
});
