import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/domain/errors.js';
import { readXlsxIds, streamedSheets, type SheetsOf, type XlsxIdRead } from '../../src/io/id-xlsx.js';

/**
 * exceljs 4.4's streaming reader now and then loses a workbook's last ZIP entry (exceljs
 * issue 3064) and throws before the first row. These runs make it fail that way on purpose,
 * then hand over to exceljs itself, reading a real workbook.
 */
const TOO_SOON = new TypeError("Cannot read properties of undefined (reading 'sheets')");

let dir: string;
let file: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xlsx-again-'));
  file = path.join(dir, 'two-sheets.xlsx');
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('Notes').addRow(['read me first']);
  const ws = wb.addWorksheet('IDs');
  for (const row of [['User name'], ['0012345'], ['0000777']]) ws.addRow(row);
  await wb.xlsx.writeFile(file);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The real reader, after `failures` reads that throw as exceljs does when it lost the workbook part. */
function failingFirst(failures: number): { sheetsOf: SheetsOf; reads: () => number } {
  let reads = 0;
  const sheetsOf: SheetsOf = (f) => {
    reads++;
    if (reads > failures) return streamedSheets(f);
    return { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(TOO_SOON) }) };
  };
  return { sheetsOf, reads: () => reads };
}

async function ids(sheetsOf: SheetsOf): Promise<{ ids: string[]; state: XlsxIdRead }> {
  const state: XlsxIdRead = { header: { found: false }, blank: 0 };
  const out: string[] = [];
  for await (const batch of readXlsxIds(file, 'two-sheets.xlsx', { sheet: 'ids', identifierTypes: [] }, state, sheetsOf)) out.push(...batch.map((l) => l.id));
  return { ids: out, state };
}

describe('an xlsx ID file exceljs fails to read before its first row', () => {
  it('is read again, and gives its IDs as a read that never failed does', async () => {
    const once = failingFirst(2);
    expect(await ids(once.sheetsOf)).toEqual(await ids(streamedSheets));
    expect((await ids(streamedSheets)).ids).toEqual(['0012345', '0000777']);
    expect(once.reads()).toBe(3);
  });

  it('is refused as unreadable (exit 2, no stack) when every read fails', async () => {
    const never = failingFirst(Infinity);
    const e = await ids(never.sheetsOf).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toBe("two-sheets.xlsx: not a readable .xlsx workbook: Cannot read properties of undefined (reading 'sheets')");
    expect(never.reads()).toBe(3);
  });

  it('is not read again once rows have come out: they were handed on, and would come twice', async () => {
    let reads = 0;
    const midway: SheetsOf = (f) => {
      reads++;
      return (async function* () {
        for await (const sheet of streamedSheets(f)) {
          yield (async function* () {
            for await (const row of sheet) yield row;
            throw TOO_SOON;
          })();
        }
      })();
    };
    const e = await ids(midway).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect(reads).toBe(1);
  });
});
