import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { MembersReport } from '../../src/app/sets-load.js';
import { BIN, type CliResult } from '../helpers/cli.js';
import { FILE_USERS, jsonOf, setStore } from '../helpers/sets-users.js';
import { rawXlsx } from '../helpers/xlsx.js';

/**
 * Itemized sets from Excel .xlsx workbooks written by a real spreadsheet library: the first sheet
 * or the one named, number cells that lost their leading zeros, a header with an empty cell
 * before the ID column, formulas (their saved value, or an invalid line when there is none),
 * and a workbook piped to stdin.
 */

const s = setStore(FILE_USERS);

/** The Add Members to Set report as --format json prints it. */
const json = (r: CliResult) => jsonOf<MembersReport>(r);

describe('xlsx ID files', () => {
  async function workbook(name: string, build: (wb: ExcelJS.Workbook) => void): Promise<string> {
    const wb = new ExcelJS.Workbook();
    build(wb);
    return s.file(name, Buffer.from(await wb.xlsx.writeBuffer()));
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
    expect(await s.memberIds('from-xlsx')).toEqual(['0000777', 'abc']);
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
    expect(await s.memberIds('sheet-ids')).toEqual(['0000777', '0012345']);
    const missing = await s.run(['set', 'create', 'sheet-missing', '--from-file', file, '--sheet', 'Patrons']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no sheet named Patrons');
    expect(missing.stderr).toContain('the workbook has: Notes, IDs');
    const forced = await s.run(['set', 'create', 'sheet-as-text', '--from-file', file, '--input-format', 'text']);
    expect(forced.code).toBe(2);
    expect(forced.stderr).toContain('is an .xlsx workbook (a ZIP archive), which --input-format text cannot read');
    expect(forced.stderr).toContain('hint: leave --input-format out');
  });

  it('finds the ID column after an empty header cell', async () => {
    const gap = await workbook('gap.xlsx', (wb) => {
      const ws = wb.addWorksheet('IDs');
      ws.getRow(1).values = ['Name', null, 'User name'];
      ws.getRow(2).values = ['Ada', null, '0012345'];
      ws.getRow(3).values = [null, null, 'abc'];
    });
    const r = await s.run(['set', 'create', 'gap', '--from-file', gap, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(json(r)).toMatchObject({ header: { found: true, column: 'User name' }, lines: 2, added: 2, invalid: [] });
    expect(await s.memberIds('gap')).toEqual(['0012345', 'abc']);

    const inB = await workbook('in-b.xlsx', (wb) => {
      const ws = wb.addWorksheet('IDs');
      ws.getCell('B1').value = 'Primary ID';
      ws.getCell('B2').value = '0000777';
    });
    const b = await s.run(['set', 'create', 'in-b', '--from-file', inB]);
    expect(b.code, b.stderr).toBe(0);
    expect(await s.memberIds('in-b')).toEqual(['0000777']);
  });

  it("a formula's saved value is the ID; an error value is an invalid line, also alone in its row", async () => {
    const file = await workbook('formulas.xlsx', (wb) => {
      const ws = wb.addWorksheet('IDs');
      ws.addRow(['Name', 'Primary ID']);
      ws.addRow(['Ada', { formula: '"00"&"12345"', result: '0012345' }]);
      ws.addRow(['Grace', { formula: '1/0', result: { error: '#DIV/0!' } }]);
      ws.addRow([null, { formula: 'NA()', result: { error: '#N/A' } }]);
      ws.addRow(['Alan', { formula: 'LOWER("ABC")' }]);
    });
    const r = await s.run(['set', 'create', 'formulas', '--from-file', file, '--format', 'json']);
    expect(r.code).toBe(3);
    const error = 'a formula whose value is an error (#DIV/0!, #N/A...) or was never saved: open the file in Excel, make the cell show the ID and save it again';
    expect(json(r)).toMatchObject({ lines: 4, blank_lines: 0, added: 1 });
    expect(json(r).invalid).toEqual([
      { line: 3, cell: 'B3', id: '', reason: error },
      { line: 4, cell: 'B4', id: '', reason: error },
      { line: 5, cell: 'B5', id: '', reason: 'a formula whose value Excel never saved: open the file in Excel and save it again' },
    ]);
    // The text result keeps its leading zeros.
    expect(await s.memberIds('formulas')).toEqual(['0012345']);
  });

  it('reads cells as other programs write them: inline strings, shared formulas, a formula with an empty value', async () => {
    const file = s.file('raw.xlsx', rawXlsx(
      '<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c><c r="C1" t="inlineStr"><is><t>User name</t></is></c></row>'
      // openpyxl writes a formula with an empty value; Excel computes it when it opens the file.
      + '<row r="2"><c r="A2" t="inlineStr"><is><t>Ada</t></is></c><c r="C2"><f>"0012345"</f><v/></c></row>'
      + '<row r="3"><c r="C3" t="str"><f t="shared" ref="C3:C4" si="0">"00"&amp;"00777"</f><v>0000777</v></c></row>'
      + '<row r="4"><c r="C4" t="str"><f t="shared" si="0"/><v>Zoe.Muller</v></c></row>'
      + '<row r="5"><c r="A5" t="inlineStr"><is><t>Alan</t></is></c><c r="C5" t="inlineStr"><is><t>abc</t></is></c></row>'));
    const r = await s.run(['set', 'create', 'raw', '--from-file', file, '--format', 'json']);
    expect(r.code).toBe(3);
    expect(json(r)).toMatchObject({ header: { column: 'User name' }, lines: 4, added: 3 });
    expect(json(r).invalid).toEqual([{ line: 2, cell: 'C2', id: '', reason: expect.stringContaining('was never saved') }]);
    expect(await s.memberIds('raw')).toEqual(['0000777', 'abc', 'Zoe.Muller']);
  });

  it('reads an xlsx from stdin', async () => {
    const file = await workbook('stdin.xlsx', (wb) => {
      const ws = wb.addWorksheet('S');
      ws.addRow(['Primary Identifier']);
      ws.addRow(['0000777']);
    });
    // Bytes, not text (cli() passes stdin as a string): the built CLI reads the workbook from a
    // shell redirect, as cron would. A non-zero exit rejects, with stderr in the message.
    const { stdout, stderr } = await promisify(execFile)('/bin/sh', ['-c', `"${process.execPath}" "${BIN}" set create xlsx-stdin --from-file - --format json < "${file}"`], {
      env: { PATH: process.env.PATH, ALMA_USERS_DB: s.db, ALMA_USERS_OPERATOR: 'admin' },
    });
    expect(json({ code: 0, stdout, stderr })).toMatchObject({ file: 'stdin', format: 'xlsx', added: 1 });
    expect(await s.memberIds('xlsx-stdin')).toEqual(['0000777']);
  });
});
