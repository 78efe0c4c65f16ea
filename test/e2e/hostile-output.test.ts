import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { userStores } from '../helpers/users.js';

/**
 * Files the CLI writes (issue 11, item 3 and the 0600 rule): `-o` onto a device, a FIFO or
 * a symbolic link writes through it and leaves it what it was; every file that may hold
 * personal data (exports, dry-run previews, letter previews) is created 0600, also where a
 * readable file stood before.
 */

const store = userStores();
const USERS = 'primary_id,first_name,last_name,email\n0042,Jürgen,Müller,jm@example.edu\n';

const mode = (f: string) => fs.statSync(f).mode & 0o777;

describe('-o onto what is not a plain file', () => {
  it('writes through a symbolic link: the link stays a link, the file it points to gets the export, 0600', async () => {
    const s = await store();
    await s.run(['users', 'import', s.file('u.csv', USERS)]);
    const real = s.file('real.csv', 'old\n');
    fs.chmodSync(real, 0o644);
    const link = path.join(s.dir, 'link.csv');
    fs.symlinkSync(real, link);
    const r = await s.run(['users', 'export', '--to', 'csv', '-o', link]);
    expect(r.code).toBe(0);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(real, 'utf8')).toContain('Müller');
    expect(mode(real)).toBe(0o600);
  });

  it('refuses a link that points nowhere, saying so', async () => {
    const s = await store();
    const link = path.join(s.dir, 'dangling.csv');
    fs.symlinkSync(path.join(s.dir, 'no', 'such.csv'), link);
    const r = await s.run(['users', 'export', '-o', link]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: -o ${link}: is a symbolic link to ${path.join(s.dir, 'no', 'such.csv')}, which cannot be followed (ENOENT)`);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('writes through /dev/null, which stays a device', async () => {
    const s = await store();
    const r = await s.run(['users', 'export', '-o', '/dev/null']);
    expect(r.code).toBe(0);
    expect(fs.statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('says why /dev/full cannot take the export (exit 2), and leaves the device as it was', async () => {
    const s = await store();
    const r = await s.run(['users', 'export', '-o', '/dev/full']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: -o /dev/full: cannot write (ENOSPC)');
    expect(r.stderr).toMatch(/^hint: /m);
    expect(fs.statSync('/dev/full').isCharacterDevice()).toBe(true);
  });

  it('writes into a FIFO for the process reading it, and leaves the FIFO in place', async () => {
    const s = await store();
    await s.run(['users', 'import', s.file('u.csv', USERS)]);
    const fifo = path.join(s.dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo]);
    let read = '';
    reader.stdout.on('data', (d: Buffer) => (read += d.toString()));
    const closed = new Promise((resolve) => reader.on('close', resolve));
    const r = await s.run(['users', 'export', '--to', 'csv', '-o', fifo]);
    await closed;
    expect(r.code).toBe(0);
    expect(read).toMatch(/^0042,.*Jürgen,,Müller/m);
    expect(fs.statSync(fifo).isFIFO()).toBe(true);
  });

  it('refuses a folder, as before', async () => {
    const s = await store();
    const r = await s.run(['users', 'export', '-o', s.dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: -o ${s.dir}: is a folder, not a file`);
  });
});

describe('files that hold personal data are 0600', () => {
  it('an export replaces a 0644 file with a 0600 one', async () => {
    const s = await store();
    await s.run(['users', 'import', s.file('u.csv', USERS)]);
    const out = s.file('users.json', '');
    fs.chmodSync(out, 0o644);
    expect((await s.run(['users', 'export', '--to', 'alma-json', '-o', out])).code).toBe(0);
    expect(mode(out)).toBe(0o600);
    expect(fs.readFileSync(out, 'utf8')).toContain('Müller');
  });

  it('users import --preview-file, job run --preview-file and letters preview --html', async () => {
    const s = await store();
    const importPreview = s.file('import-preview.csv', 'old');
    fs.chmodSync(importPreview, 0o644);
    const dry = await s.run(['users', 'import', s.file('u.csv', USERS), '--dry-run', '--preview-file', importPreview]);
    expect(dry.code).toBe(0);
    expect(fs.readFileSync(importPreview, 'utf8')).toContain('0042');
    expect(mode(importPreview)).toBe(0o600);

    await s.run(['users', 'import', s.file('u.csv', USERS)]);
    expect((await s.run(['set', 'create', 'one', '--query', 'primary_id = "0042"'])).code).toBe(0);
    const jobPreview = path.join(s.dir, 'job-preview.csv');
    const job = await s.run(['job', 'run', 'update-notify', '--set', 'one', '--expiry-date', '2030-06-30', '--dry-run', '--preview-file', jobPreview]);
    expect(job.code).toBe(0);
    expect(fs.readFileSync(jobPreview, 'utf8')).toContain('0042');
    expect(mode(jobPreview)).toBe(0o600);

    const html = path.join(s.dir, 'letter.html');
    const letter = await s.run(['letters', 'preview', '--type', 'GENERAL_MESSAGE', '--user', '0042', '--html', html]);
    expect(letter.code).toBe(0);
    expect(fs.readFileSync(html, 'utf8')).toContain('<');
    expect(mode(html)).toBe(0o600);
  });

  it('a preview into a folder that does not exist is refused, naming the option', async () => {
    const s = await store();
    const html = path.join(s.dir, 'no', 'letter.html');
    const r = await s.run(['letters', 'preview', '--type', 'GENERAL_MESSAGE', '--user', 'admin', '--html', html]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: --html ${html}: the folder ${path.join(s.dir, 'no')} does not exist`);
  });
});
