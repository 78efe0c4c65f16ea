import { InputError } from '../domain/errors.js';
import { excelText } from '../domain/csv-cell.js';
import { excerpt } from '../domain/text.js';

/**
 * What every ID-file reader (text, CSV, xlsx) produces, and the rules they share: how an
 * ID is cleaned, which header names the ID column, and why a line cannot be used.
 */

export interface IdLine {
  /** The line (text, CSV) or row (xlsx) the ID is on, counting from 1. */
  line: number;
  /** The ID as written: trimmed, without Excel's leading ' text marker; case kept. */
  id: string;
  /** xlsx: the cell the ID is in, e.g. B7. */
  cell?: string;
  /** xlsx: the cell holds a number, so Excel may have dropped leading zeros. */
  numeric?: boolean;
  /** Why the line cannot be used; absent for a usable ID. */
  invalid?: string;
}

/** What the first line (or header row) of the file was taken for. */
export interface IdHeader {
  /** Whether the first line was a header; when not, it was read as an ID. */
  found: boolean;
  /** The header as written, e.g. `User name`, `BARCODE`, `Primary Identifier`. */
  text?: string;
  /** The identifier type IDs are matched against; absent means primary_id. */
  identifierType?: string;
  /** CSV and xlsx: the column the IDs were read from, as its header names it. */
  column?: string;
}

/** Alma's ID-file headers (case, spaces and underscores aside): User name, USERNAME, Primary ID, Primary Identifier. */
const PRIMARY_HEADERS = new Set(['username', 'primaryid', 'primaryidentifier']);

export const MAX_ID_LENGTH = 255;

function headerKey(text: string): string {
  return text.trim().replace(/^'/, '').toLowerCase().replace(/[\s_]+/g, '');
}

/** Whether a header cell or first line names primary IDs. */
export function isPrimaryHeader(text: string): boolean {
  return PRIMARY_HEADERS.has(headerKey(text));
}

/** The identifier-type code (from the code table, any case) a header names, if any. */
export function identifierTypeOf(text: string, identifierTypes: readonly string[]): string | undefined {
  const t = text.trim().replace(/^'/, '').toUpperCase();
  return t ? identifierTypes.find((c) => c.toUpperCase() === t) : undefined;
}

/** The header of a one-ID-a-line file, from its first non-blank line. */
export function classifyFirstLine(text: string, identifierTypes: readonly string[]): IdHeader {
  const shown = text.trim().replace(/^'/, '');
  if (isPrimaryHeader(text)) return { found: true, text: shown };
  const type = identifierTypeOf(text, identifierTypes);
  if (type) return { found: true, text: shown, identifierType: type };
  return { found: false };
}

export interface ColumnChoice {
  /** 0-based index of the ID column. */
  index: number;
  header: IdHeader;
}

/**
 * Picks the ID column of a CSV header or an xlsx first row: the one --column names, else
 * a known ID header, else an identifier-type header. A single-column file without such a
 * header has no header at all: its first row is an ID. Otherwise the file is refused,
 * naming its columns, since guessing would build the wrong set.
 */
export function chooseColumn(cells: string[], opts: { column?: string | undefined; identifierTypes: readonly string[] }, file: string): ColumnChoice {
  const names = cells.map((c) => c.trim());
  if (opts.column !== undefined) {
    const want = opts.column.trim().toLowerCase();
    const index = names.findIndex((n) => n.toLowerCase() === want);
    if (index < 0) {
      throw new InputError(`no column named ${opts.column}`, { file, line: 1 }, `the header has: ${listed(names)}`);
    }
    const type = identifierTypeOf(names[index]!, opts.identifierTypes);
    return { index, header: { found: true, text: names[index]!, column: names[index]!, ...(type ? { identifierType: type } : {}) } };
  }
  const primary = names.findIndex(isPrimaryHeader);
  if (primary >= 0) return { index: primary, header: { found: true, text: names[primary]!, column: names[primary]! } };
  const typed = names.findIndex((n) => identifierTypeOf(n, opts.identifierTypes) !== undefined);
  if (typed >= 0) {
    const type = identifierTypeOf(names[typed]!, opts.identifierTypes)!;
    return { index: typed, header: { found: true, text: names[typed]!, column: names[typed]!, identifierType: type } };
  }
  const filled = names.map((n, i) => [n, i] as const).filter(([n]) => n !== '');
  if (filled.length <= 1) return { index: filled[0]?.[1] ?? 0, header: { found: false } };
  throw new InputError(
    'no ID column: none of the columns is headed User name, USERNAME, Primary ID, Primary Identifier or an identifier type',
    { file, line: 1 },
    `the header has: ${listed(names)}; name the ID column with --column NAME`,
  );
}

function listed(names: string[]): string {
  const shown = names.slice(0, 20).map((n) => (n === '' ? '(empty)' : n)).join(', ');
  return names.length > 20 ? `${shown}, … (${names.length} columns)` : shown;
}

const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Cleans one ID as written. Returns undefined for a blank line (skipped, not an error),
 * else the ID, with `invalid` set when it cannot be a primary ID or identifier.
 */
export function cleanId(raw: string): { id: string; invalid?: string } | undefined {
  let id = raw.trim();
  if (id === '') return undefined;
  // Excel's text marker: '0012345 is how a spreadsheet keeps leading zeros; ="0012345", how an export does.
  if (id.startsWith("'")) id = id.slice(1).trim();
  else if (id.startsWith('=')) id = excelText(id).trim();
  if (id === '') return { id, invalid: 'empty after trimming' };
  // An invalid ID is only reported: cut, so that a whole line read as one ID does not come back whole.
  const control = CONTROL.exec(id);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return { id: excerpt(id), invalid: `holds a control character (U+${code})` };
  }
  if (id.length > MAX_ID_LENGTH && [...id].length > MAX_ID_LENGTH) return { id: excerpt(id), invalid: `longer than ${MAX_ID_LENGTH} characters` };
  return { id };
}
