import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { BIN, tempStore, type CliResult } from '../helpers/cli.js';
import { addUsers } from '../helpers/sets-users.js';
import type { MembersReport } from '../../src/app/sets-load.js';

/**
 * Itemized sets from every shape of ID file a systems librarian gets: plain text with and
 * without a header, CRLF and a BOM, Excel's ' marker, CSV with , or ; and quotes, xlsx
 * written by a real spreadsheet library, stdin; and the Add Members to Set report.
 */

let s: Awaited<ReturnType<typeof tempStore>>;

beforeAll(async () => {
  s = await tempStore();
  addUsers(s.db, [
    { primary_id: '0012345', first_name: 'Ada', last_name: 'Lovelace', identifiers: [{ type: 'BARCODE', value: 'B-0001' }] },
    { primary_id: '0000777', first_name: 'Grace', last_name: 'Hopper', identifiers: [{ type: 'BARCODE', value: 'B-0002' }, { type: 'BARCODE', value: 'B-0002b' }] },
    { primary_id: 'abc', first_name: 'Alan', identifiers: [{ type: 'UNIV_ID', value: 'U1' }] },
    { primary_id: 'Zoe.Muller', first_name: 'Zoë' },
    { primary_id: 'twin1', identifiers: [{ type: 'BARCODE', value: 'SHARED' }] },
    { primary_id: 'twin2', identifiers: [{ type: 'BARCODE', value: 'SHARED' }] },
  ]);
});

afterAll(() => s.cleanup());

/** A command run by the shell (for a binary pipe), as cron would. */
function cli(args: string[], opts: { env: Record<string, string> }, shell: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(shell, args, { env: { PATH: process.env.PATH, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function write(name: string, content: string | Buffer): string {
  const file = path.join(s.dir, name);
  fs.writeFileSync(file, content);
  return file;
}

/** The Add Members to Set report as --format json prints it. */
function json(r: CliResult): MembersReport {
  try {
    return JSON.parse(r.stdout) as MembersReport;
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}

async function memberIds(set: string): Promise<string[]> {
  const r = await s.run(['set', 'members', set, '--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { primary_id: string }[]).map((u) => u.primary_id);
}

describe('plain text ID files', () => {
  it('reads a CRLF file with a BOM and a User name header: trims, drops Excel\'s \', counts duplicates, reports not found and invalid lines', async () => {
    const long = 'x'.repeat(256);
    const file = write('ids.txt', '\uFEFFUser name\r\n0012345  \r\n\'0000777\r\n\r\nABC\r\n  abc\r\nnobody\r\nbad\u0007id\r\n' + long + '\r\n\'\r\n');
    const r = await s.run(['set', 'create', 'from-text', '--from-file', file, '--format', 'json']);
    expect(r.code).toBe(3);
    const rep = json(r);
    expect(rep).toMatchObject({
      set: 'from-text', status: 'Completed with Warnings', header: { found: true, text: 'User name' }, matched_on: 'primary_id',
      lines: 8, blank_lines: 1, added: 3, already_member: 0, duplicates: 1, members: 3,
      not_found: [{ line: 7, id: 'nobody' }],
    });
    expect(rep.invalid).toEqual([
      { line: 8, id: 'bad\u0007id', reason: 'holds a control character (U+0007)' },
      { line: 9, id: long, reason: 'longer than 255 characters' },
      { line: 10, id: '', reason: 'empty after trimming' },
    ]);
    // The numbers add up: every line read is accounted for once.
    expect(rep.added + rep.already_member + rep.duplicates + rep.not_found.length + rep.invalid.length).toBe(rep.lines);
    expect(await memberIds('from-text')).toEqual(['0000777', '0012345', 'abc']);
  });

  it('reads a first line that is no header as an ID, and says so', async () => {
    const file = write('noheader.txt', '0012345\nzoe.muller\n');
    const r = await s.run(['set', 'create', 'no-header', '--from-file', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Status\s+Completed Successfully/);
    expect(r.stdout).toMatch(/Header\s+none found: the first line was read as an ID/);
    expect(r.stdout).toMatch(/Added\s+2/);
    expect(await memberIds('no-header')).toEqual(['0012345', 'Zoe.Muller']);
  });

  it('matches IDs against an identifier type named by the first line (BARCODE), any case', async () => {
    const file = write('barcodes.txt', 'barcode\nb-0001\nB-0002\nB-0002b\nSHARED\nB-9999\n');
    const r = await s.run(['set', 'create', 'by-barcode', '--from-file', file, '--format', 'json']);
    expect(r.code).toBe(3);
    const rep = json(r);
    expect(rep).toMatchObject({
      header: { found: true, text: 'barcode', identifierType: 'BARCODE' }, matched_on: 'identifier BARCODE',
      lines: 5, added: 2, duplicates: 1, not_found: [{ line: 6, id: 'B-9999' }],
    });
    // Two users hold SHARED: which one was meant cannot be known, so neither is added.
    expect(rep.invalid).toEqual([{ line: 5, id: 'SHARED', reason: 'identifier BARCODE SHARED belongs to 2 users' }]);
    expect(await memberIds('by-barcode')).toEqual(['0000777', '0012345']);
  });

  it('reads stdin with --from-file -, keeping leading zeros', async () => {
    const r = await s.run(['set', 'create', 'from-stdin', '--from-file', '-', '--format', 'json'], { input: 'Primary ID\n0000777\n0012345\n' });
    expect(r.code).toBe(0);
    expect(json(r)).toMatchObject({ file: 'stdin', status: 'Completed Successfully', added: 2, members: 2 });
    expect(await memberIds('from-stdin')).toEqual(['0000777', '0012345']);
  });

  it('says when a digits-only ID that matches no one would match once its leading zeros are restored, without adding it', async () => {
    const file = write('lost-zeros.txt', 'USERNAME\n777\n');
    const r = await s.run(['set', 'create', 'lost-zeros', '--from-file', file, '--format', 'json']);
    expect(r.code).toBe(3);
    expect(json(r).not_found).toEqual([
      { line: 2, id: '777', hint: 'with its leading zeros restored it would match exactly one user: 0000777' },
    ]);
    expect(await memberIds('lost-zeros')).toEqual([]);
  });
});

describe('CSV ID files', () => {
  it('finds the Primary Identifier column of an Analytics export (, and quotes)', async () => {
    const file = write('analytics.csv', 'Last Name,First Name,Primary Identifier\r\n"Lovelace, Ada",Ada,"0012345"\r\n"Hopper ""Amazing""",Grace,0000777\r\n,,\r\nX,Y,missing\r\n');
    const r = await s.run(['set', 'create', 'from-csv', '--from-file', file, '--format', 'json']);
    expect(r.code).toBe(3);
    expect(json(r)).toMatchObject({
      format: 'csv', header: { found: true, column: 'Primary Identifier' }, lines: 3, blank_lines: 1, added: 2,
      not_found: [{ line: 5, id: 'missing' }],
    });
    expect(await memberIds('from-csv')).toEqual(['0000777', '0012345']);
  });

  it('reads ; as delimiter (Excel in many locales), with the column named by --column', async () => {
    const file = write('semicolon.csv', 'Name;Patron;Note\n"Hopper; Grace";"0000777";x\nLovelace;\'0012345;"a;b"\nNobody;;y\n');
    const r = await s.run(['set', 'create', 'semicolon', '--from-file', file, '--column', 'patron', '--format', 'json']);
    expect(r.code).toBe(3);
    expect(json(r)).toMatchObject({
      header: { found: true, column: 'Patron' }, lines: 3, added: 2,
      invalid: [{ line: 4, id: '', reason: 'the ID column is empty on this line' }],
    });
    expect(await memberIds('semicolon')).toEqual(['0000777', '0012345']);
  });

  it('reads a .txt whose first line is a CSV header naming the ID column as CSV', async () => {
    const file = write('export.txt', 'name,primary_id\nAda,0012345\n');
    const r = await s.run(['set', 'create', 'txt-csv', '--from-file', file, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(json(r)).toMatchObject({ format: 'csv', added: 1 });
  });

  it('reports every line a quoted value runs over as invalid, so no ID is lost silently (exit 3; --fail-on-invalid refuses it)', async () => {
    // A stray quote before Ada: Excel would read lines 2-4 as one record, swallowing 0000777 and abc.
    const file = write('stray-quote.csv', 'Primary ID,Name\n0012345,"Ada\n0000777,Grace\nabc,Alan"\nZoe.Muller,Zoë\n');
    const r = await s.run(['set', 'create', 'stray-quote', '--from-file', file, '--format', 'json']);
    expect(r.code, r.stderr).toBe(3);
    const runs = 'a quote opened on line 2 runs over lines 2..4: they were read as one record, so no ID on them was used; close the quote on line 2, or remove it';
    expect(json(r)).toMatchObject({ status: 'Completed with Warnings', lines: 4, added: 1, members: 1, not_found: [] });
    expect(json(r).invalid).toEqual([
      { line: 2, id: '0012345,Ada', reason: runs },
      { line: 3, id: '0000777,Grace', reason: runs },
      { line: 4, id: 'abc,Alan', reason: runs },
    ]);
    expect(await memberIds('stray-quote')).toEqual(['Zoe.Muller']);
    const table = await s.run(['set', 'create', 'stray-quote-table', '--from-file', file]);
    expect(table.stdout).toMatch(/Lines read\s+4/);
    expect(table.stdout).toMatch(/Invalid\s+3/);
    const strict = await s.run(['set', 'create', 'stray-quote-strict', '--from-file', file, '--fail-on-invalid']);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain('--fail-on-invalid: 3 line(s) of');
    expect((await s.run(['set', 'show', 'stray-quote-strict'])).code).toBe(2);
  });

  it('refuses a file with a quote that is never closed, naming the line from which nothing was read (exit 2, no set made)', async () => {
    const file = write('unclosed.csv', 'Primary ID;Name\n0012345;Ada\n\n"0000777;Grace\nabc;Alan\nZoe.Muller;Zoë\n');
    const r = await s.run(['set', 'create', 'unclosed', '--from-file', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unclosed\.csv:4: .*never closed/);
    expect(r.stderr).toContain('lines 4-6');
    expect(r.stdout).toBe('');
    expect((await s.run(['set', 'show', 'unclosed'])).code).toBe(2);
    expect((await s.run(['set', 'create', 'unclosed-add'])).code).toBe(0);
    const add = await s.run(['set', 'add-members', 'unclosed-add', '--from-file', file]);
    expect(add.code).toBe(2);
    expect(await memberIds('unclosed-add')).toEqual([]);
  });

  it('refuses a CSV without an ID column, or an unknown --column, naming the columns (exit 2, no set made)', async () => {
    const file = write('noid.csv', 'Name,Code\nAda,1\n');
    const r = await s.run(['set', 'create', 'noid', '--from-file', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('noid.csv:1: no ID column');
    expect(r.stderr).toContain('the header has: Name, Code; name the ID column with --column NAME');
    const c = await s.run(['set', 'create', 'noid', '--from-file', file, '--column', 'Barcode']);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('no column named Barcode');
    expect((await s.run(['set', 'show', 'noid'])).code).toBe(2);
  });
});

describe('xlsx ID files', () => {
  async function workbook(name: string, build: (wb: ExcelJS.Workbook) => void): Promise<string> {
    const wb = new ExcelJS.Workbook();
    build(wb);
    const file = path.join(s.dir, name);
    await wb.xlsx.writeFile(file);
    return file;
  }

  it('reads the first sheet; a number cell that lost its leading zeros is reported by cell, with the one user it would match', async () => {
    const file = await workbook('patrons.xlsx', (wb) => {
      const ws = wb.addWorksheet('Patrons');
      ws.addRow(['Name', 'Primary ID']);
      ws.addRow(['Grace', '0000777']);
      ws.addRow(['Ada', 12345]);
      ws.addRow(['Alan', 'ABC']);
      ws.addRow(['Nobody', 'ghost']);
      wb.addWorksheet('Other').addRow(['Primary ID']);
    });
    const r = await s.run(['set', 'create', 'from-xlsx', '--from-file', file, '--format', 'json']);
    expect(r.code).toBe(3);
    const rep = json(r);
    expect(rep).toMatchObject({ format: 'xlsx', sheet: 'Patrons', header: { found: true, column: 'Primary ID' }, lines: 4, added: 2 });
    expect(rep.not_found).toEqual([
      { line: 3, cell: 'B3', id: '12345', hint: 'with its leading zeros restored it would match exactly one user: 0012345' },
      { line: 5, cell: 'B5', id: 'ghost' },
    ]);
    expect(rep.warnings).toHaveLength(1);
    expect(rep.warnings[0]).toMatchObject({ line: 3, cell: 'B3', id: '12345' });
    expect(rep.warnings[0]?.message).toContain('B3 holds the number 12345, not text');
    expect(rep.warnings[0]?.message).toContain('exactly one user: 0012345');
    expect(r.stderr).toContain('warning: B3 holds the number 12345');
    // Never guessed: 0012345 is not a member.
    expect(await memberIds('from-xlsx')).toEqual(['0000777', 'abc']);
  });

  it('reads the sheet --sheet names, and lists the sheets when it is missing', async () => {
    const file = await workbook('two-sheets.xlsx', (wb) => {
      wb.addWorksheet('Notes').addRow(['read me first']);
      const ws = wb.addWorksheet('IDs');
      ws.addRow(['USERNAME']);
      ws.addRow(['0012345']);
      ws.addRow([{ richText: [{ text: '0000' }, { text: '777' }] }]);
    });
    const r = await s.run(['set', 'create', 'sheet-ids', '--from-file', file, '--sheet', 'ids', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(json(r)).toMatchObject({ sheet: 'IDs', added: 2, warnings: [] });
    expect(await memberIds('sheet-ids')).toEqual(['0000777', '0012345']);
    const missing = await s.run(['set', 'create', 'sheet-missing', '--from-file', file, '--sheet', 'Patrons']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no sheet named Patrons');
    expect(missing.stderr).toContain('the workbook has: Notes, IDs');
  });

  it('reads an xlsx from stdin', async () => {
    const file = await workbook('stdin.xlsx', (wb) => {
      const ws = wb.addWorksheet('S');
      ws.addRow(['Primary Identifier']);
      ws.addRow(['0000777']);
    });
    // Bytes, not text: cli() writes a string, so the workbook is piped in by a shell.
    const r = await cli(['-c', `"${process.execPath}" "${BIN}" set create xlsx-stdin --from-file - --format json < "${file}"`], {
      env: { ALMA_USERS_DB: s.db, ALMA_USERS_OPERATOR: 'admin' },
    }, '/bin/sh');
    expect(r.code, r.stderr).toBe(0);
    expect(json(r)).toMatchObject({ file: 'stdin', format: 'xlsx', added: 1 });
    expect(await memberIds('xlsx-stdin')).toEqual(['0000777']);
  });
});

describe('the Add Members to Set report and --fail-on-invalid', () => {
  it('add-members and remove-members take the same files and count what was already there', async () => {
    const first = write('first.txt', '0012345\n');
    expect((await s.run(['set', 'create', 'grow', '--from-file', first])).code).toBe(0);
    const more = write('more.csv', 'Primary ID\n0012345\n0000777\n');
    const add = await s.run(['set', 'add-members', 'grow', '--from-file', more, '--format', 'json']);
    expect(add.code).toBe(3);
    expect(json(add)).toMatchObject({ operation: 'add', added: 1, already_member: 1, members: 2, status: 'Completed with Warnings' });
    const rm = write('rm.txt', 'User name\n0000777\nabc\n');
    const remove = await s.run(['set', 'remove-members', 'GROW', '--from-file', rm, '--format', 'json']);
    expect(remove.code).toBe(3);
    expect(json(remove)).toMatchObject({ operation: 'remove', removed: 1, not_member: 1, members: 1 });
    expect(await memberIds('grow')).toEqual(['0012345']);
  });

  it('--fail-on-invalid loads nothing when a line matches no one, leaves the set as it was, and exits 2', async () => {
    const base = write('base.txt', '0012345\n');
    expect((await s.run(['set', 'create', 'strict', '--from-file', base])).code).toBe(0);
    const bad = write('bad.txt', '0000777\nnobody\n');
    const r = await s.run(['set', 'add-members', 'strict', '--from-file', bad, '--fail-on-invalid', '--format', 'json']);
    expect(r.code).toBe(2);
    expect(json(r)).toMatchObject({ status: 'Failed', added: 0, members: 1, not_found: [{ line: 2, id: 'nobody' }] });
    expect(r.stderr).toContain('--fail-on-invalid');
    expect(await memberIds('strict')).toEqual(['0012345']);
    const created = await s.run(['set', 'create', 'strict-new', '--from-file', bad, '--fail-on-invalid']);
    expect(created.code).toBe(2);
    expect(created.stdout).toMatch(/Status\s+Failed/);
    expect((await s.run(['set', 'show', 'strict-new'])).code).toBe(2);
    const good = write('good.txt', '0000777\n');
    expect((await s.run(['set', 'add-members', 'strict', '--from-file', good, '--fail-on-invalid'])).code).toBe(0);
  });

  it('shows the first 20 not-found lines in the table with the count, and all of them in JSON', async () => {
    const file = write('many.txt', ['User name', ...Array.from({ length: 25 }, (_, i) => `missing-${i + 1}`)].join('\n'));
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
    const file = write('bin.dat', png);
    const r = await s.run(['set', 'create', 'binary', '--from-file', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bin.dat: is not a text, CSV or .xlsx file (a NUL byte at byte 9)');
    expect(r.stdout).toBe('');
    expect((await s.run(['set', 'show', 'binary'])).code).toBe(2);
    expect((await s.run(['set', 'create', 'binary', '--from-file', '-', '--format', 'json'], { input: png.toString('latin1') })).code).toBe(2);
    expect((await s.run(['set', 'show', 'binary'])).code).toBe(2);
  });

  it('refuses a file that is not UTF-8 (a legacy code page) with the way to convert it, and reads UTF-16 with a byte-order mark', async () => {
    const latin1 = write('ansi.csv', Buffer.from('Primary ID,Name\n0012345,Müller\n', 'latin1'));
    const r = await s.run(['set', 'create', 'ansi', '--from-file', latin1]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ansi.csv: is not a text, CSV or .xlsx file alma-users can read: it is not UTF-8 text (byte 0xFC on line 2)');
    expect(r.stderr).toContain('iconv -f WINDOWS-1252 -t UTF-8');
    expect((await s.run(['set', 'show', 'ansi'])).code).toBe(2);
    const utf16 = write('unicode.txt', Buffer.concat([Buffer.from('fffe', 'hex'), Buffer.from('User name\r\n0012345\r\n0000777\r\n', 'utf16le')]));
    const u = await s.run(['set', 'create', 'utf16', '--from-file', utf16, '--format', 'json']);
    expect(u.code, u.stderr).toBe(0);
    expect(json(u)).toMatchObject({ lines: 2, added: 2 });
  });

  it('refuses a missing file (exit 2) and changes nothing', async () => {
    const r = await s.run(['set', 'create', 'ghost', '--from-file', path.join(s.dir, 'nope.txt')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope.txt: cannot read the file: ENOENT');
    expect((await s.run(['set', 'show', 'ghost'])).code).toBe(2);
  });
});
