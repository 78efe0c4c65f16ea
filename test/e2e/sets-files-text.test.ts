import { describe, expect, it } from 'vitest';
import type { MembersReport } from '../../src/app/sets-load.js';
import type { CliResult } from '../helpers/cli.js';
import { FILE_USERS, jsonOf, setStore } from '../helpers/sets-users.js';

/**
 * Itemized sets from plain-text and CSV ID files, as a systems librarian gets them: with and
 * without a header, CRLF and a BOM, Excel's ' marker, identifier types, stdin, CSV with , or ;
 * and quotes, and the lines a reader could not use.
 */

const s = setStore(FILE_USERS);

/** The Add Members to Set report as --format json prints it. */
const json = (r: CliResult) => jsonOf<MembersReport>(r);

describe('plain text ID files', () => {
  it('reads a CRLF file with a BOM and a User name header: trims, drops Excel\'s \', counts duplicates, reports not found and invalid lines', async () => {
    const long = 'x'.repeat(256);
    const file = s.file('ids.txt', '\uFEFFUser name\r\n0012345  \r\n\'0000777\r\n\r\nABC\r\n  abc\r\nnobody\r\nbad\u0007id\r\n' + long + '\r\n\'\r\n');
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
      // An invalid ID is cut for the report: a whole line read as one ID is not printed back whole.
      { line: 9, id: `${'x'.repeat(59)}…`, reason: 'longer than 255 characters' },
      { line: 10, id: '', reason: 'empty after trimming' },
    ]);
    // The numbers add up: every line read is accounted for once.
    expect(rep.added + rep.already_member + rep.duplicates + rep.not_found.length + rep.invalid.length).toBe(rep.lines);
    expect(await s.memberIds('from-text')).toEqual(['0000777', '0012345', 'abc']);
  });

  it('reads an export\'s ="0012345" as the ID 0012345, leading zeros kept', async () => {
    const file = s.file('eq-ids.txt', 'User name\n="0012345"\n="0000777"\n');
    const rep = json(await s.run(['set', 'create', 'from-eq', '--from-file', file, '--format', 'json']));
    expect(rep).toMatchObject({ added: 2, invalid: [], not_found: [] });
    expect(await s.memberIds('from-eq')).toEqual(['0000777', '0012345']);
  });

  it('reads a first line that is no header as an ID, and says so', async () => {
    const file = s.file('noheader.txt', '0012345\nzoe.muller\n');
    const r = await s.run(['set', 'create', 'no-header', '--from-file', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Status\s+Completed Successfully/);
    expect(r.stdout).toMatch(/Header\s+none found: the first line was read as an ID/);
    expect(r.stdout).toMatch(/Added\s+2/);
    expect(await s.memberIds('no-header')).toEqual(['0012345', 'Zoe.Muller']);
  });

  it('matches IDs against an identifier type named by the first line (BARCODE), any case', async () => {
    const file = s.file('barcodes.txt', 'barcode\nb-0001\nB-0002\nB-0002b\nSHARED\nB-9999\n');
    const r = await s.run(['set', 'create', 'by-barcode', '--from-file', file, '--format', 'json']);
    expect(r.code).toBe(3);
    const rep = json(r);
    expect(rep).toMatchObject({
      header: { found: true, text: 'barcode', identifierType: 'BARCODE' }, matched_on: 'identifier BARCODE',
      lines: 5, added: 2, duplicates: 1, not_found: [{ line: 6, id: 'B-9999' }],
    });
    // Two users hold SHARED: which one was meant cannot be known, so neither is added.
    expect(rep.invalid).toEqual([{ line: 5, id: 'SHARED', reason: 'identifier BARCODE SHARED belongs to 2 users' }]);
    expect(await s.memberIds('by-barcode')).toEqual(['0000777', '0012345']);
  });

  it('reads stdin with --from-file -, keeping leading zeros', async () => {
    const r = await s.run(['set', 'create', 'from-stdin', '--from-file', '-', '--format', 'json'], { input: 'Primary ID\n0000777\n0012345\n' });
    expect(r.code).toBe(0);
    expect(json(r)).toMatchObject({ file: 'stdin', status: 'Completed Successfully', added: 2, members: 2 });
    expect(await s.memberIds('from-stdin')).toEqual(['0000777', '0012345']);
  });

  it('says when a digits-only ID that matches no one would match once its leading zeros are restored, without adding it', async () => {
    const file = s.file('lost-zeros.txt', 'USERNAME\n777\n');
    const r = await s.run(['set', 'create', 'lost-zeros', '--from-file', file, '--format', 'json']);
    expect(r.code).toBe(3);
    expect(json(r).not_found).toEqual([
      { line: 2, id: '777', hint: 'with its leading zeros restored it would match exactly one user: 0000777' },
    ]);
    expect(await s.memberIds('lost-zeros')).toEqual([]);
  });
});

describe('CSV ID files', () => {
  it('finds the Primary Identifier column of an Analytics export (, and quotes)', async () => {
    const file = s.file('analytics.csv', 'Last Name,First Name,Primary Identifier\r\n"Lovelace, Ada",Ada,"0012345"\r\n"Hopper ""Amazing""",Grace,0000777\r\n,,\r\nX,Y,missing\r\n');
    const r = await s.run(['set', 'create', 'from-csv', '--from-file', file, '--format', 'json']);
    expect(r.code).toBe(3);
    expect(json(r)).toMatchObject({
      format: 'csv', header: { found: true, column: 'Primary Identifier' }, lines: 3, blank_lines: 1, added: 2,
      not_found: [{ line: 5, id: 'missing' }],
    });
    expect(await s.memberIds('from-csv')).toEqual(['0000777', '0012345']);
  });

  it('reads ; as delimiter (Excel in many locales), with the column named by --column', async () => {
    const file = s.file('semicolon.csv', 'Name;Patron;Note\n"Hopper; Grace";"0000777";x\nLovelace;\'0012345;"a;b"\nNobody;;y\n');
    const r = await s.run(['set', 'create', 'semicolon', '--from-file', file, '--column', 'patron', '--format', 'json']);
    expect(r.code).toBe(3);
    expect(json(r)).toMatchObject({
      header: { found: true, column: 'Patron' }, lines: 3, added: 2,
      invalid: [{ line: 4, id: '', reason: 'the ID column is empty on this line' }],
    });
    expect(await s.memberIds('semicolon')).toEqual(['0000777', '0012345']);
  });

  it('reads a .txt whose first line is a CSV header naming the ID column as CSV', async () => {
    const file = s.file('export.txt', 'name,primary_id\nAda,0012345\n');
    const r = await s.run(['set', 'create', 'txt-csv', '--from-file', file, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(json(r)).toMatchObject({ format: 'csv', added: 1 });
  });

  it('reports every line a quoted value runs over as invalid, so no ID is lost silently (exit 3; --fail-on-invalid refuses it)', async () => {
    // A stray quote before Ada: Excel would read lines 2-4 as one record, swallowing 0000777 and abc.
    const file = s.file('stray-quote.csv', 'Primary ID,Name\n0012345,"Ada\n0000777,Grace\nabc,Alan"\nZoe.Muller,Zoë\n');
    const r = await s.run(['set', 'create', 'stray-quote', '--from-file', file, '--format', 'json']);
    expect(r.code, r.stderr).toBe(3);
    const runs = 'a quote opened on line 2 runs over lines 2..4: they were read as one record, so no ID on them was used; close the quote on line 2, or remove it';
    expect(json(r)).toMatchObject({ status: 'Completed with Warnings', lines: 4, added: 1, members: 1, not_found: [] });
    expect(json(r).invalid).toEqual([
      { line: 2, id: '0012345,Ada', reason: runs },
      { line: 3, id: '0000777,Grace', reason: runs },
      { line: 4, id: 'abc,Alan', reason: runs },
    ]);
    expect(await s.memberIds('stray-quote')).toEqual(['Zoe.Muller']);
    const table = await s.run(['set', 'create', 'stray-quote-table', '--from-file', file]);
    expect(table.stdout).toMatch(/Lines read\s+4/);
    expect(table.stdout).toMatch(/Invalid\s+3/);
    const strict = await s.run(['set', 'create', 'stray-quote-strict', '--from-file', file, '--fail-on-invalid']);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain('--fail-on-invalid: 3 line(s) of');
    expect((await s.run(['set', 'show', 'stray-quote-strict'])).code).toBe(2);
  });

  it('refuses a file with a quote that is never closed, naming the line from which nothing was read (exit 2, no set made)', async () => {
    const file = s.file('unclosed.csv', 'Primary ID;Name\n0012345;Ada\n\n"0000777;Grace\nabc;Alan\nZoe.Muller;Zoë\n');
    const r = await s.run(['set', 'create', 'unclosed', '--from-file', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unclosed\.csv:4: .*never closed/);
    expect(r.stderr).toContain('lines 4-6');
    expect(r.stdout).toBe('');
    expect((await s.run(['set', 'show', 'unclosed'])).code).toBe(2);
    expect((await s.run(['set', 'create', 'unclosed-add'])).code).toBe(0);
    const add = await s.run(['set', 'add-members', 'unclosed-add', '--from-file', file]);
    expect(add.code).toBe(2);
    expect(await s.memberIds('unclosed-add')).toEqual([]);
  });

  it('refuses a CSV without an ID column, or an unknown --column, naming the columns (exit 2, no set made)', async () => {
    const file = s.file('noid.csv', 'Name,Code\nAda,1\n');
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
