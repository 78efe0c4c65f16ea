import ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import { InputError } from '../domain/errors.js';
import { chooseColumn, cleanId, type IdHeader, type IdLine } from './id-lines.js';

/**
 * An ID file as an Excel workbook (.xlsx), read with exceljs's streaming reader: the first
 * sheet or --sheet NAME, the ID column found as for CSV. A number in the ID column is kept
 * as written but marked `numeric`, because Excel turns 0123456 typed into a General cell
 * into the number 123456; the caller reports it by its cell reference.
 */

export interface XlsxIdRead {
  header: IdHeader;
  blank: number;
  sheet?: string;
}

const BATCH = 4096;

interface CellText {
  text: string;
  numeric?: boolean;
  invalid?: string;
}

/** A cell's value as text; dates, booleans and errors are not IDs. */
function cellText(v: unknown): CellText | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return { text: v };
  if (typeof v === 'number') return { text: numberText(v), numeric: true };
  if (typeof v === 'boolean') return { text: String(v).toUpperCase(), invalid: 'a TRUE/FALSE cell, not an ID' };
  if (v instanceof Date) return { text: v.toISOString().slice(0, 10), invalid: 'a date cell, not an ID (format the column as Text)' };
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: string; formula?: string; sharedFormula?: string };
    if (o.richText) return { text: o.richText.map((r) => r.text).join('') };
    if (o.error !== undefined) return { text: o.error, invalid: `the cell holds the error ${o.error}` };
    if (o.formula !== undefined || o.sharedFormula !== undefined) return cellText(o.result);
    if (o.text !== undefined) return cellText(o.text);
  }
  return { text: String(v) };
}

/** 123456 as 123456, never 1.23456e+5; beyond 15 digits Excel has already lost digits. */
function numberText(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return BigInt(n).toString();
  return String(n);
}

function columnLetters(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/**
 * The parts exceljs holds in memory whole, and the most each may hold once inflated: the
 * shared-strings table (every text cell of the workbook; 64 MB is some two million IDs)
 * and the styles. A workbook over these is refused before it is read: a few MB of ZIP can
 * inflate to gigabytes of strings.
 */
export const XLSX_LIMITS: Readonly<Record<string, number>> = { 'xl/sharedStrings.xml': 64 << 20, 'xl/styles.xml': 16 << 20 };

/**
 * Inflates each bounded part, counting its bytes and keeping none, so what a part's ZIP
 * entry claims is never taken on trust. Undefined when every part is within its bound.
 */
function oversizedPart(file: string): Promise<{ part: string; limit: number } | undefined> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const done = (v: { part: string; limit: number } | undefined, e?: Error) => {
        zip.close();
        if (e) reject(e);
        else resolve(v);
      };
      zip.on('error', (e: Error) => done(undefined, e));
      zip.on('end', () => done(undefined));
      zip.on('entry', (entry: yauzl.Entry) => {
        const limit = XLSX_LIMITS[entry.fileName];
        if (limit === undefined) return zip.readEntry();
        if (entry.uncompressedSize > limit) return done({ part: entry.fileName, limit });
        zip.openReadStream(entry, (e, stream) => {
          if (e) return done(undefined, e);
          let bytes = 0;
          stream.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (bytes > limit) {
              stream.destroy();
              done({ part: entry.fileName, limit });
            }
          });
          stream.on('error', (se: Error) => done(undefined, se));
          stream.on('end', () => zip.readEntry());
        });
      });
      zip.readEntry();
    });
  });
}

async function checkSize(file: string, display: string): Promise<void> {
  let big: { part: string; limit: number } | undefined;
  try {
    big = await oversizedPart(file);
  } catch (e) {
    throw new InputError(`not a readable .xlsx workbook: ${(e as Error).message}`, { file: display }, 'save it from Excel as .xlsx, or as CSV');
  }
  if (big) {
    const what = big.part === 'xl/sharedStrings.xml' ? 'its table of text cells (shared strings)' : 'its table of cell styles';
    throw new InputError(`${what} is over ${big.limit >> 20} MB, more than an ID file needs`, { file: display },
      'save the ID column alone as a new workbook, or as CSV (one ID a line), and give that file');
  }
}

export async function* readXlsxIds(
  file: string,
  display: string,
  opts: { column?: string | undefined; sheet?: string | undefined; identifierTypes: readonly string[] },
  state: XlsxIdRead,
): AsyncGenerator<IdLine[]> {
  await checkSize(file, display);
  // Styles are read so that date cells are told from numbers.
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore',
  });
  const seen: string[] = [];
  let found = false;
  try {
    for await (const sheet of reader) {
      // exceljs's typings omit the worksheet reader's name.
      const name = String((sheet as unknown as { name: string }).name);
      seen.push(name);
      if (opts.sheet !== undefined ? name.toLowerCase() !== opts.sheet.trim().toLowerCase() : seen.length > 1) continue;
      found = true;
      state.sheet = name;
      yield* readSheet(sheet, display, opts, state);
      break;
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`not a readable .xlsx workbook: ${(e as Error).message}`, { file: display }, 'save it from Excel as .xlsx, or as CSV');
  }
  if (!found) {
    if (opts.sheet === undefined) throw new InputError('the workbook has no sheets', { file: display }, 'save it from Excel as .xlsx, or as CSV');
    throw new InputError(`no sheet named ${opts.sheet}`, { file: display }, `the workbook has: ${seen.join(', ')}`);
  }
}

async function* readSheet(
  sheet: AsyncIterable<ExcelJS.Row>,
  display: string,
  opts: { column?: string | undefined; identifierTypes: readonly string[] },
  state: XlsxIdRead,
): AsyncGenerator<IdLine[]> {
  let index = -1;
  let batch: IdLine[] = [];
  for await (const row of sheet) {
    // row.values is 1-based and sparse.
    const values = (row.values as unknown[]).slice(1);
    if (index < 0) {
      const cells = values.map((v) => cellText(v)?.text ?? '');
      if (cells.every((c) => c.trim() === '')) continue;
      const choice = chooseColumn(cells, opts, `${display} (sheet ${state.sheet})`);
      index = choice.index;
      state.header = choice.header;
      if (choice.header.found) continue;
    }
    const line = row.number;
    const cell = `${columnLetters(index)}${line}`;
    const v = cellText(values[index]);
    const c = v ? cleanId(v.text) : undefined;
    if (!v || !c) {
      if (values.every((x) => (cellText(x)?.text ?? '').trim() === '')) state.blank++;
      else batch.push({ line, id: '', cell, invalid: 'the ID cell is empty' });
    } else {
      const invalid = v.invalid ?? c.invalid;
      batch.push({ line, id: c.id, cell, ...(v.numeric ? { numeric: true } : {}), ...(invalid ? { invalid } : {}) });
    }
    if (batch.length >= BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}
