import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { XLSX_BOUNDS } from '../../src/io/xlsx-size.js';
import { userStores } from '../helpers/users.js';
import { rawXlsx } from '../helpers/xlsx.js';
import { zipOf } from '../helpers/zip.js';

/**
 * Workbooks that would take gigabytes to read (issue 11, item 8): a shared-strings table,
 * or sheets, that inflate past their documented bounds (docs/input-limits.md) are refused
 * before exceljs reads them, also when the ZIP lies about the size; an ordinary workbook
 * still loads, and a sheet of a million IDs stays well within the bound.
 */

const store = userStores();

/** 65 MB of shared strings that deflate to some 70 kB. */
function hugeStrings(): Buffer {
  const si = '<si><t>0000000000000000000000000000000000000000000000000000000000000000</t></si>';
  return Buffer.from(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${si.repeat(Math.ceil((65 << 20) / si.length))}</sst>`);
}

/**
 * A sheet of 260 MB that deflates to some 250 kB: an ID, and beside it two cells of 130 MB
 * of text written in the sheet itself (inline strings), which the shared-strings bound
 * never saw. Such cells took gigabytes of memory, or failed with `Invalid string length`.
 */
function inlineBomb(claimedSize?: number): Buffer {
  const mb = Buffer.alloc(1 << 20, 'x');
  const cell = (ref: string) => [Buffer.from(`<c r="${ref}" t="inlineStr"><is><t>`), ...new Array<Buffer>(130).fill(mb), Buffer.from('</t></is></c>')];
  return rawXlsx([
    Buffer.from('<row r="1"><c r="A1" t="inlineStr"><is><t>Primary ID</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>0012345</t></is></c>'),
    ...cell('B2'), ...cell('C2'),
    Buffer.from('</row>'),
  ], claimedSize);
}

/** A part's inflated size, as the ZIP's directory states it (exceljs states it truly). */
async function partSize(xlsx: Buffer, name: string): Promise<number> {
  const zip = await yauzl.fromBufferPromise(xlsx, { lazyEntries: true });
  try {
    for await (const e of zip.eachEntry()) if (e.fileName === name) return e.uncompressedSize;
  } finally {
    zip.close();
  }
  throw new Error(`the workbook has no ${name}`);
}

describe('xlsx ID files with a huge shared-strings table', () => {
  it('is refused (exit 2) before it is read, with the fix; no set is created', async () => {
    const s = await store();
    const file = s.file('bomb.xlsx', zipOf([{ name: 'xl/sharedStrings.xml', data: hugeStrings(), deflate: true }]));
    const r = await s.run(['set', 'create', 'bomb', '--from-file', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: ${file}: its table of text cells (shared strings) is over 64 MB, more than an ID file needs`);
    expect(r.stderr).toContain('hint: save the ID column alone as a new workbook, or as CSV');
    expect((await s.run(['set', 'show', 'bomb'])).code).toBe(2);
  });

  it('is refused when the ZIP understates the size, too', async () => {
    const s = await store();
    const file = s.file('liar.xlsx', zipOf([{ name: 'xl/sharedStrings.xml', data: hugeStrings(), deflate: true, claimedSize: 1000 }]));
    const r = await s.run(['set', 'create', 'liar', '--from-file', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: .*liar\.xlsx: (its table of text cells \(shared strings\) is over 64 MB|not a readable \.xlsx workbook)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('an ordinary workbook loads as before', async () => {
    const s = await store();
    await s.run(['users', 'import', s.file('u.csv', 'primary_id,first_name,last_name\n0012345,A,B\n')]);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('IDs');
    ws.addRow(['Primary ID']);
    ws.addRow(['0012345']);
    const file = s.file('ok.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    const r = await s.run(['set', 'create', 'ok', '--from-file', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse((await s.run(['set', 'members', 'ok', '--format', 'json'])).stdout)).toMatchObject([{ primary_id: '0012345' }]);
  });

  it('a file that is no ZIP at all is a sentence, not a stack', async () => {
    const s = await store();
    const file = s.file('fake.xlsx', Buffer.concat([Buffer.from('504b0304', 'hex'), Buffer.alloc(100, 7)]));
    const r = await s.run(['set', 'create', 'fake', '--from-file', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: ${file}: not a readable .xlsx workbook`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('xlsx ID files with huge sheets', () => {
  it('a sheet whose cells hold hundreds of MB of text is refused (exit 2) before it is read; no set is created', async () => {
    const s = await store();
    const file = s.file('inline.xlsx', inlineBomb());
    const r = await s.run(['set', 'create', 'inline', '--from-file', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: ${file}: a cell of it holds over 1 MB of text, more than Excel keeps in a cell (32,767 characters)`);
    expect(r.stderr).toContain('hint: save the ID column alone as a new workbook, or as CSV');
    expect((await s.run(['set', 'show', 'inline'])).code).toBe(2);
  });

  it('is refused when the ZIP understates the size, too', async () => {
    const s = await store();
    const file = s.file('inline-liar.xlsx', inlineBomb(1000));
    const r = await s.run(['set', 'create', 'inline-liar', '--from-file', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: .*inline-liar\.xlsx: (a cell of it holds over 1 MB of text|not a readable \.xlsx workbook)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect((await s.run(['set', 'show', 'inline-liar'])).code).toBe(2);
  });

  it('a full export of users, 20 columns of as many rows as Excel holds, is well within the bound', async () => {
    // Measured on 10,000 rows as exceljs writes them, text inline; a row of a million-row sheet is a few characters longer.
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Users');
    ws.addRow(['Primary ID', ...Array.from({ length: 19 }, (_, c) => `Column ${c + 2}`)]);
    for (let i = 0; i < 10_000; i++) ws.addRow([String(1_000_000 + i).padStart(10, '0'), ...Array.from({ length: 19 }, (_, c) => `value ${c} of user ${i}`)]);
    const sheet = await partSize(Buffer.from(await wb.xlsx.writeBuffer({ useSharedStrings: false } as ExcelJS.XlsxWriteOptions)), 'xl/worksheets/sheet1.xml');
    expect(sheet).toBeGreaterThan(5_000_000);
    // Excel's 1,048,576 rows, with a tenth more for their longer row numbers, twice over, still fit.
    expect(sheet * 105 * 1.1 * 2).toBeLessThan(XLSX_BOUNDS.sheets.limit);
  });
});
