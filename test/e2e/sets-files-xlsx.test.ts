import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { MembersReport } from '../../src/app/sets-load.js';
import { BIN, type CliResult } from '../helpers/cli.js';
import { FILE_USERS, jsonOf, setStore } from '../helpers/sets-users.js';

/**
 * Itemized sets from Excel .xlsx workbooks written by a real spreadsheet library: the first sheet
 * or the one named, number cells that lost their leading zeros, and a workbook piped to stdin.
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
