import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { userStores } from '../helpers/users.js';
import { zipOf } from '../helpers/zip.js';

/**
 * Workbooks that would take gigabytes to read (issue 11, item 8): a shared-strings table
 * that inflates past its documented bound (docs/sets.md) is refused before exceljs reads
 * it, also when the ZIP lies about its size; an ordinary workbook still loads.
 */

const store = userStores();

/** 65 MB of shared strings that deflate to some 70 kB. */
function hugeStrings(): Buffer {
  const si = '<si><t>0000000000000000000000000000000000000000000000000000000000000000</t></si>';
  return Buffer.from(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${si.repeat(Math.ceil((65 << 20) / si.length))}</sst>`);
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
