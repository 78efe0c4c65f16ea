import ExcelJS from 'exceljs';
import { InputError } from '../domain/errors.js';
import { chooseColumn, cleanId, type IdHeader, type IdLine } from './id-lines.js';
import { checkXlsxSize, unreadableXlsx } from './xlsx-size.js';

/**
 * An ID file as an Excel workbook (.xlsx), read with exceljs's streaming reader: the first
 * sheet or --sheet NAME, the ID column found as for CSV. A number in the ID column is kept
 * as written but marked `numeric`, because Excel turns 0123456 typed into a General cell
 * into the number 123456; the caller reports it by its cell reference. A formula is the
 * value saved with it, as Excel shows it.
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

/** A cell's value as text; dates, booleans, errors and formulas without a value are not IDs. */
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
    // A shared formula's copies come as such objects: exceljs's reader gives them an empty formula, which its cells do not take for a formula.
    if (o.formula !== undefined || o.sharedFormula !== undefined) return formulaText(o.result);
    if (o.text !== undefined) return cellText(o.text);
  }
  return { text: String(v) };
}

/**
 * A formula's cell is the value saved with it. exceljs's streaming reader keeps none when
 * no value was saved, and reads a saved value as a number unless it is text: an error
 * value (#DIV/0!) and the empty value openpyxl writes for a formula both become NaN.
 */
function formulaText(result: unknown): CellText {
  if (result === undefined || result === null) {
    return { text: '', invalid: 'a formula whose value Excel never saved: open the file in Excel and save it again' };
  }
  if (typeof result === 'number' && Number.isNaN(result)) {
    return { text: '', invalid: 'a formula whose value is an error (#DIV/0!, #N/A...) or was never saved: open the file in Excel, make the cell show the ID and save it again' };
  }
  return cellText(result) ?? { text: '' };
}

/**
 * A row's cells from column A, undefined where none was written: row.values leaves holes
 * there, which map() and every() pass over. A formula is read from its cell because
 * row.values drops a result that is falsy: 0, '' and the NaN of an error value.
 */
function rowCells(row: ExcelJS.Row): (CellText | undefined)[] {
  const cells = new Array<CellText | undefined>(row.cellCount).fill(undefined);
  row.eachCell((cell, col) => {
    cells[col - 1] = cell.type === ExcelJS.ValueType.Formula ? formulaText(cell.result) : cellText(cell.value);
  });
  return cells;
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

type XlsxOptions = { column?: string | undefined; sheet?: string | undefined; identifierTypes: readonly string[] };

/**
 * exceljs 4.4's streaming reader now and then loses the ZIP's last entry (exceljs issue
 * 3064; about one read in a hundred on a busy machine): the workbook part, which exceljs
 * writes last, so a good file failed with "Cannot read properties of undefined". Such a read
 * fails before its first row, and is made again, this many times in all.
 */
const READS = 3;

/** A workbook's sheets, each an iterable of its rows, as exceljs's streaming reader gives them. */
export type SheetsOf = (file: string) => AsyncIterable<AsyncIterable<ExcelJS.Row>>;

// Styles are read so that date cells are told from numbers.
export const streamedSheets: SheetsOf = (file) => new ExcelJS.stream.xlsx.WorkbookReader(file, {
  sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore',
});

export async function* readXlsxIds(
  file: string, display: string, opts: XlsxOptions, state: XlsxIdRead, sheetsOf: SheetsOf = streamedSheets,
): AsyncGenerator<IdLine[]> {
  await checkXlsxSize(file, display);
  for (let read = 1; ; read++) {
    const progress = { rows: false };
    try {
      yield* readOnce(sheetsOf(file), display, opts, state, progress);
      return;
    } catch (e) {
      if (e instanceof InputError) throw e;
      if (progress.rows || read === READS) throw unreadableXlsx(e, display);
    }
  }
}

async function* readOnce(
  sheets: AsyncIterable<AsyncIterable<ExcelJS.Row>>, display: string, opts: XlsxOptions, state: XlsxIdRead, progress: { rows: boolean },
): AsyncGenerator<IdLine[]> {
  state.blank = 0;
  const seen: string[] = [];
  for await (const sheet of sheets) {
    // exceljs's typings omit the worksheet reader's name.
    const name = String((sheet as unknown as { name: string }).name);
    seen.push(name);
    if (opts.sheet !== undefined ? name.toLowerCase() !== opts.sheet.trim().toLowerCase() : seen.length > 1) continue;
    state.sheet = name;
    for await (const batch of readSheet(sheet, display, opts, state)) {
      progress.rows = true;
      yield batch;
    }
    return;
  }
  if (opts.sheet === undefined) throw new InputError('the workbook has no sheets', { file: display }, 'save it from Excel as .xlsx, or as CSV');
  throw new InputError(`no sheet named ${opts.sheet}`, { file: display }, `the workbook has: ${seen.join(', ')}`);
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
    const cells = rowCells(row);
    if (index < 0) {
      const texts = cells.map((v) => v?.text ?? '');
      if (texts.every((c) => c.trim() === '')) continue;
      const choice = chooseColumn(texts, opts, `${display} (sheet ${state.sheet})`);
      index = choice.index;
      state.header = choice.header;
      if (choice.header.found) continue;
    }
    const line = row.number;
    const cell = `${columnLetters(index)}${line}`;
    const v = cells[index];
    const c = v ? cleanId(v.text) : undefined;
    if (v?.invalid && !c) {
      batch.push({ line, id: v.text, cell, invalid: v.invalid });
    } else if (!v || !c) {
      if (cells.every((x) => (x?.text ?? '').trim() === '')) state.blank++;
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
