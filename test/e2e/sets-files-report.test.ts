import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MembersReport } from '../../src/app/sets-load.js';
import type { CliResult } from '../helpers/cli.js';
import { FILE_USERS, jsonOf, setStore } from '../helpers/sets-users.js';

/**
 * The Add Members to Set report of add-members and remove-members, --fail-on-invalid, and the
 * files refused before anything is read (binary, not UTF-8, missing).
 */

const s = setStore(FILE_USERS);

/** The Add Members to Set report as --format json prints it. */
const json = (r: CliResult) => jsonOf<MembersReport>(r);

describe('the Add Members to Set report and --fail-on-invalid', () => {
  it('add-members and remove-members take the same files and count what was already there', async () => {
    const first = s.file('first.txt', '0012345\n');
    expect((await s.run(['set', 'create', 'grow', '--from-file', first])).code).toBe(0);
    const more = s.file('more.csv', 'Primary ID\n0012345\n0000777\n');
    const add = await s.run(['set', 'add-members', 'grow', '--from-file', more, '--format', 'json']);
    expect(add.code).toBe(3);
    expect(json(add)).toMatchObject({ operation: 'add', added: 1, already_member: 1, members: 2, status: 'Completed with Warnings' });
    const rm = s.file('rm.txt', 'User name\n0000777\nabc\n');
    const remove = await s.run(['set', 'remove-members', 'GROW', '--from-file', rm, '--format', 'json']);
    expect(remove.code).toBe(3);
    expect(json(remove)).toMatchObject({ operation: 'remove', removed: 1, not_member: 1, members: 1 });
    expect(await s.memberIds('grow')).toEqual(['0012345']);
  });

  it('--fail-on-invalid loads nothing when a line matches no one, leaves the set as it was, and exits 2', async () => {
    const base = s.file('base.txt', '0012345\n');
    expect((await s.run(['set', 'create', 'strict', '--from-file', base])).code).toBe(0);
    const bad = s.file('bad.txt', '0000777\nnobody\n');
    const r = await s.run(['set', 'add-members', 'strict', '--from-file', bad, '--fail-on-invalid', '--format', 'json']);
    expect(r.code).toBe(2);
    expect(json(r)).toMatchObject({ status: 'Failed', added: 0, members: 1, not_found: [{ line: 2, id: 'nobody' }] });
    expect(r.stderr).toContain('--fail-on-invalid');
    expect(await s.memberIds('strict')).toEqual(['0012345']);
    const created = await s.run(['set', 'create', 'strict-new', '--from-file', bad, '--fail-on-invalid']);
    expect(created.code).toBe(2);
    expect(created.stdout).toMatch(/Status\s+Failed/);
    expect((await s.run(['set', 'show', 'strict-new'])).code).toBe(2);
    const good = s.file('good.txt', '0000777\n');
    expect((await s.run(['set', 'add-members', 'strict', '--from-file', good, '--fail-on-invalid'])).code).toBe(0);
  });

  it('shows the first 20 not-found lines in the table with the count, and all of them in JSON', async () => {
    const file = s.file('many.txt', ['User name', ...Array.from({ length: 25 }, (_, i) => `missing-${i + 1}`)].join('\n'));
    const table = await s.run(['set', 'create', 'many', '--from-file', file]);
    expect(table.code).toBe(3);
    expect(table.stdout).toContain('Not found (first 20 of 25; --format json lists all)');
    expect(table.stdout).toContain('missing-20');
    expect(table.stdout).not.toContain('missing-21');
    const j = await s.run(['set', 'add-members', 'many', '--from-file', file, '--format', 'json']);
    expect(json(j).not_found).toHaveLength(25);
    expect(json(j).not_found[24]).toEqual({ line: 26, id: 'missing-25' });
  });

  it('refuses a binary file (exit 2): no set is made and none of its bytes reach the terminal', async () => {
    // The start of a PNG image: its bytes hold line breaks, and NUL bytes from the 9th on.
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.from('0012345\n\u0007\u00ff\n', 'latin1')]);
    const file = s.file('bin.dat', png);
    const r = await s.run(['set', 'create', 'binary', '--from-file', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bin.dat: is not a text, CSV or .xlsx file (a NUL byte at byte 9)');
    expect(r.stdout).toBe('');
    expect((await s.run(['set', 'show', 'binary'])).code).toBe(2);
    expect((await s.run(['set', 'create', 'binary', '--from-file', '-', '--format', 'json'], { input: png.toString('latin1') })).code).toBe(2);
    expect((await s.run(['set', 'show', 'binary'])).code).toBe(2);
  });

  it('refuses a file that is not UTF-8 (a legacy code page) with the way to convert it, and reads UTF-16 with a byte-order mark', async () => {
    const latin1 = s.file('ansi.csv', Buffer.from('Primary ID,Name\n0012345,Müller\n', 'latin1'));
    const r = await s.run(['set', 'create', 'ansi', '--from-file', latin1]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ansi.csv: is not a text, CSV or .xlsx file alma-users can read: it is not UTF-8 text (byte 0xFC on line 2)');
    expect(r.stderr).toContain('iconv -f WINDOWS-1252 -t UTF-8');
    expect((await s.run(['set', 'show', 'ansi'])).code).toBe(2);
    const utf16 = s.file('unicode.txt', Buffer.concat([Buffer.from('fffe', 'hex'), Buffer.from('User name\r\n0012345\r\n0000777\r\n', 'utf16le')]));
    const u = await s.run(['set', 'create', 'utf16', '--from-file', utf16, '--format', 'json']);
    expect(u.code, u.stderr).toBe(0);
    expect(json(u)).toMatchObject({ lines: 2, added: 2 });
  });

  it('refuses a missing file (exit 2) and changes nothing', async () => {
    const r = await s.run(['set', 'create', 'ghost', '--from-file', path.join(s.dir, 'nope.txt')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope.txt: cannot read the file: no such file (ENOENT)');
    expect((await s.run(['set', 'show', 'ghost'])).code).toBe(2);
  });
});
