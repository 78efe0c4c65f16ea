import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempStores, type CliResult } from '../helpers/cli.js';
import { seedUsers, patron } from '../helpers/seed.js';
import { zipOf } from '../helpers/zip.js';

/**
 * What the libraries underneath (exceljs, yauzl, csv-parse, fast-xml-parser, LiquidJS,
 * nodemailer, the file system) refuse reaches the person as one of our errors: an `error:`
 * line, a `hint:` line, the documented exit code (2: fix the input or the setting; 1: the
 * store is unusable), and no stack unless ALMA_USERS_DEBUG=1.
 */

const tempStore = tempStores();

function expectTyped(r: CliResult, code: 1 | 2, message: RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stderr).toMatch(/^error: .+$/m);
  expect(r.stderr).toMatch(/^hint: .+$/m);
  expect(r.stderr).toMatch(message);
  // No stack: neither frames nor the name of a library's error class.
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toMatch(/\b(Error|TypeError|SqliteError):/);
}

/** A store with one patron and a set `everyone` holding them. */
async function store() {
  const s = await tempStore();
  seedUsers(s.db, [patron('P00001')]);
  const r = await s.run(['set', 'create', 'everyone', '--query', 'primary_id = "P00001"']);
  expect(r.code, r.stderr).toBe(0);
  return s;
}

/** An OLE2 compound file holding an EncryptedPackage stream: what Excel writes for a workbook saved with a password. */
function encryptedWorkbook(): Buffer {
  const ole = Buffer.alloc(4096);
  Buffer.from('d0cf11e0a1b11ae1', 'hex').copy(ole);
  Buffer.from('EncryptedPackage', 'utf16le').copy(ole, 1024);
  return ole;
}

describe('library errors reach the user as typed errors', () => {
  it('ID files: a corrupt .xlsx, a ZIP that is no workbook, a password-protected workbook, a CSV csv-parse cannot finish', async () => {
    const s = await store();
    const cases: [string, Buffer | string, RegExp][] = [
      ['corrupt.xlsx', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(300, 7)]), /corrupt\.xlsx: not a readable \.xlsx workbook/],
      ['not-a-workbook.xlsx', zipOf([{ name: 'notes.txt', data: Buffer.from('hello') }]), /not-a-workbook\.xlsx: /],
      ['protected.xlsx', encryptedWorkbook(), /protected\.xlsx: is a password-protected \(encrypted\) workbook/],
      ['ids.csv', 'User name,Note\nP00001,"never closed\nP00002,x\n', /ids\.csv:2: a quoted value opens on line 2 and is never closed/],
    ];
    for (const [name, content, message] of cases) {
      expectTyped(await s.run(['set', 'create', name, '--from-file', s.file(name, content)]), 2, message);
    }
    expect(JSON.parse((await s.run(['set', 'list', '--format', 'json'])).stdout)).toHaveLength(1);
  });

  it('import and sync files: XML the parser refuses, a ZIP yauzl cannot open', async () => {
    const s = await store();
    const xml = s.file('users.xml', '<users><user><primary_id>X1</primary_id></user><user></users>');
    expectTyped(await s.run(['users', 'import', xml]), 2, /users\.xml:1: not well-formed XML/);
    // A file cut short names the elements left open, not the validator's JSON of them.
    const cut = s.file('cut.xml', '<users>\n<user><primary_id>X1</primary_id><first_name>Ab');
    expectTyped(await s.run(['users', 'import', cut]), 2, /cut\.xml:\d+: not well-formed XML: the file ends with <users>, <user>, <first_name> still open \(cut short\?\)$/m);
    const zip = s.file('sis.zip', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100, 1)]));
    expectTyped(await s.run(['users', 'sync', zip, '--profile', 'SIS']), 2, /sis\.zip: not a readable zip archive/);
  });

  it('a broken custom templates folder (letters.templates_dir): preview and a job with letters refuse it, naming the file', async () => {
    const s = await store();
    const dir = path.join(s.dir, 'templates');
    fs.cpSync(path.join(ROOT, 'templates'), dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'letter.html.liquid'), '{% if user %}<p>{{ user.first_name }}</p>');
    expect((await s.run(['config', 'set', 'letters.templates_dir', dir])).code).toBe(0);

    const layout = /templates\/letter\.html\.liquid:1: tag \{% if user %\} not closed/;
    expectTyped(await s.run(['letters', 'preview', '--type', 'GENERAL_MESSAGE', '--user', 'P00001']), 2, layout);
    expectTyped(await s.run(['job', 'run', 'update-notify', '--set', 'everyone', '--add-note', 'x', '--notify', 'GENERAL_MESSAGE']), 2, layout);

    fs.rmSync(path.join(dir, 'letter.txt.liquid'));
    fs.mkdirSync(path.join(dir, 'letter.txt.liquid'));
    fs.writeFileSync(path.join(dir, 'letter.html.liquid'), '<p>{{ user.first_name }}</p>');
    expectTyped(await s.run(['letters', 'preview', '--type', 'GENERAL_MESSAGE', '--user', 'P00001']), 2, /letter\.txt\.liquid: cannot read the letter layout/);
    // Nothing was changed by the refused job.
    const notes = JSON.parse((await s.run(['users', 'show', 'P00001', '--format', 'json'])).stdout) as { user_note: unknown[] };
    expect(notes.user_note).toEqual([]);
  });

  it("a templates folder with its own job letter but not its labels: the job is done, and the warning names the missing part, not the library's words", async () => {
    const s = await store();
    const dir = path.join(s.dir, 'templates');
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(ROOT, 'templates', 'job-letter.txt.liquid'), path.join(dir, 'job-letter.txt.liquid'));
    expect((await s.run(['config', 'set', 'letters.templates_dir', dir])).code).toBe(0);
    const r = await s.run(['job', 'run', 'update-notify', '--set', 'everyone', '--add-note', 'x']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: the job letter could not be sent: .*templates\/labels\/job-letter: cannot read this part of the job letter: ENOENT \(a templates folder with a job-letter\.txt\.liquid also holds/);
    expect(r.stderr).not.toContain('scandir');
  });

  it('ALMA_USERS_SMTP_URL without a host, with another scheme or with a broken %-escape is refused before any letter is queued (nodemailer would try localhost)', async () => {
    const s = await store();
    expect((await s.run(['config', 'set', 'institution.email', 'library@example.edu'])).code).toBe(0);
    for (const [url, message] of [
      ['smtp://', /the SMTP URL names no host/], ['gopher://relay.example.edu', /must start with smtp:\/\/ or smtps:\/\/, not gopher:/],
      ['smtps://user:S3cret%zzPW@relay.example.edu', /the SMTP URL's password holds a % that does not start a %-escape/],
    ] as const) {
      const env = { ALMA_USERS_SMTP_URL: url };
      for (const args of [['mail', 'test', '--to', 'ops@example.edu'], ['job', 'run', 'update-notify', '--set', 'everyone', '--add-note', 'x', '--notify', 'GENERAL_MESSAGE']]) {
        const r = await s.run(args, { env });
        expectTyped(r, 2, message);
        expect(r.stderr).not.toContain('S3cret');
      }
    }
    expect(JSON.parse((await s.run(['mail', 'list', '--format', 'json'])).stdout)).toEqual([]);
  });

  it('a store path that is a symbolic link to nothing is named as such (exit 1), for reading and for init, and nothing is created through it', async () => {
    const s = await tempStore();
    const target = path.join(s.dir, 'unmounted', 'store.db');
    const link = path.join(s.dir, 'link.db');
    fs.symlinkSync(target, link);
    const env = { ALMA_USERS_DB: link };
    const message = /link\.db is a symbolic link to .*unmounted\/store\.db, which does not exist/;
    expectTyped(await s.run(['users', 'list'], { env }), 1, message);
    expectTyped(await s.run(['init', '--admin', 'root2'], { env }), 1, message);
    expect(fs.existsSync(target)).toBe(false);
  });

  it('with ALMA_USERS_DEBUG=1 the same error also shows where it happened', async () => {
    const s = await store();
    const r = await s.run(['set', 'create', 'x', '--from-file', s.file('x.xlsx', encryptedWorkbook())], { env: { ALMA_USERS_DEBUG: '1' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^\s+at /m);
  });
});
