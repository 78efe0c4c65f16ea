import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { InputError, UsageError } from '../domain/errors.js';
import { detectDelimiter } from './csv-read.js';
import { firstLine, notTextFile, readHead } from './file-head.js';
import { identifierTypeOf, isPrimaryHeader, type IdHeader, type IdLine } from './id-lines.js';
import { readCsvIds } from './id-csv.js';
import { readTextIds } from './id-text.js';

/**
 * Opens an ID file of any shape Alma users keep them in, and hands back its IDs in
 * batches with their line numbers: plain text (one ID a line), CSV (`,` or `;`) or an
 * Excel .xlsx workbook. The shape comes from --input-format, else the file's content and
 * extension; a .txt whose first line is a CSV header with a known ID column is read as CSV.
 */

export const ID_FILE_FORMATS = ['text', 'csv', 'xlsx'] as const;
export type IdFileFormat = (typeof ID_FILE_FORMATS)[number];

export interface IdFileOptions {
  format?: IdFileFormat | undefined;
  column?: string | undefined;
  sheet?: string | undefined;
  /** The identifier_type codes: a header naming one means IDs of that type. */
  identifierTypes: readonly string[];
}

export interface IdFile {
  /** The file as the person named it (`-` is shown as stdin). */
  display: string;
  format: IdFileFormat;
  /** Settled once the first batch has been read (or reading has ended). */
  header: IdHeader;
  /** Blank lines (or empty rows) skipped so far. */
  blank: number;
  /** xlsx: the sheet read. */
  sheet?: string;
  batches(): AsyncGenerator<IdLine[]>;
}

const ZIP = Buffer.from('504b0304', 'hex');
const OLE2 = Buffer.from('d0cf11e0', 'hex');
const ENCRYPTED_PACKAGE = Buffer.from('EncryptedPackage', 'utf16le');

const UTF16 = { le: Buffer.from('fffe', 'hex'), be: Buffer.from('feff', 'hex') };
const GIVE_TEXT = 'give the IDs as plain text (one a line), as CSV, or as an Excel .xlsx workbook';

/**
 * A file read as text or CSV must be text: the bytes of an image or a PDF would otherwise
 * become a set of garbage "IDs", echoed to the terminal. NUL bytes, or bytes that are not
 * UTF-8 (anywhere in it), refuse it (exit 2) before anything is read or stored. UTF-16 with a
 * byte-order mark (Excel's "Unicode Text") is text to the plain-text reader.
 */
function requireText(file: string, head: Buffer, format: IdFileFormat, display: string): void {
  if (format === 'xlsx') return;
  const bom = head.subarray(0, 2);
  if (format === 'text' && (bom.equals(UTF16.le) || bom.equals(UTF16.be))) {
    if (!new TextDecoder(bom.equals(UTF16.le) ? 'utf-16le' : 'utf-16be').decode(head).includes('\0')) return;
    throw new InputError('is not a text, CSV or .xlsx file (a NUL character in its UTF-16 text)', { file: display }, GIVE_TEXT);
  }
  const nul = head.indexOf(0);
  if (nul >= 0) throw new InputError(`is not a text, CSV or .xlsx file (a NUL byte at byte ${nul + 1})`, { file: display }, GIVE_TEXT);
  const why = notTextFile(file, head);
  if (why?.nul !== undefined) throw new InputError(`is not a text, CSV or .xlsx file (a NUL byte at byte ${why.nul})`, { file: display }, GIVE_TEXT);
  if (why) {
    throw new InputError(`is not a text, CSV or .xlsx file alma-users can read: it ${why.reason}`, { file: display },
      'save it as UTF-8 text, or from Excel as "CSV UTF-8" or .xlsx; or convert it: iconv -f WINDOWS-1252 -t UTF-8 FILE > NEW-FILE');
  }
}

function detectFormat(file: string, display: string, head: Buffer, opts: IdFileOptions): IdFileFormat {
  const ext = path.extname(file).toLowerCase();
  // Excel keeps a workbook saved with a password as .xlsx, inside an OLE2 file holding an EncryptedPackage.
  if (head.subarray(0, 4).equals(OLE2) && (ext === '.xlsx' || ext === '.xlsm' || head.includes(ENCRYPTED_PACKAGE))) {
    throw new InputError('is a password-protected (encrypted) workbook, which alma-users cannot open', { file: display },
      'in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password, leave it empty) and save it again, or save it as CSV');
  }
  if (head.subarray(0, 4).equals(OLE2) || ext === '.xls') {
    throw new InputError('is an Excel 97-2003 (.xls) workbook, which alma-users does not read', { file: display },
      'in Excel, save it as .xlsx (Excel Workbook) or as CSV');
  }
  if (opts.format && opts.format !== 'xlsx' && head.subarray(0, 4).equals(ZIP)) {
    throw new InputError(`is an .xlsx workbook (a ZIP archive), which --input-format ${opts.format} cannot read`, { file: display },
      'leave --input-format out (a workbook is found by itself), or give --input-format xlsx');
  }
  if (opts.format) return opts.format;
  if (head.subarray(0, 4).equals(ZIP) || ext === '.xlsx' || ext === '.xlsm') return 'xlsx';
  if (ext === '.csv' || ext === '.tsv' || opts.column !== undefined) return 'csv';
  // A text file whose first line is a CSV header naming the ID column is a CSV export.
  const first = firstLine(head);
  const delimiter = detectDelimiter(first);
  if (first.includes(delimiter)) {
    const cells = first.split(delimiter).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    if (cells.some((c) => isPrimaryHeader(c) || identifierTypeOf(c, opts.identifierTypes) !== undefined)) return 'csv';
  }
  return 'text';
}

export function openIdFile(file: string, display: string, opts: IdFileOptions): IdFile {
  const head = readHead(file, display);
  const format = detectFormat(file, display, head, opts);
  requireText(file, head, format, display);
  if (format !== 'xlsx' && opts.sheet !== undefined) throw new UsageError(`--sheet applies to .xlsx workbooks; ${display} is read as ${format}`);
  if (format === 'text' && opts.column !== undefined) throw new UsageError(`--column applies to CSV and .xlsx files; ${display} is read as plain text`);
  const idFile: IdFile = {
    display,
    format,
    header: { found: false },
    blank: 0,
    async *batches() {
      if (format === 'text') yield* readTextIds(file, head, opts.identifierTypes, idFile);
      else if (format === 'csv') yield* readCsvIds(file, display, { ...opts, delimiter: detectDelimiter(firstLine(head)) }, idFile);
      else {
        // exceljs is heavy; only xlsx files pay for loading it.
        const { readXlsxIds } = await import('./id-xlsx.js');
        yield* readXlsxIds(file, display, opts, idFile);
      }
    },
  };
  return idFile;
}

/**
 * `--from-file -`: stdin is copied to a private temporary file first, so that every
 * reader can look at the start of its input and the xlsx reader can seek in it.
 */
export async function spoolStdin(stdin: NodeJS.ReadableStream): Promise<{ file: string; cleanup: () => void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alma-users-stdin-'));
  const file = path.join(dir, 'stdin');
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    await pipeline(stdin, fs.createWriteStream(file, { mode: 0o600 }));
  } catch (e) {
    cleanup();
    throw new InputError(`cannot read stdin: ${(e as Error).message}`);
  }
  return { file, cleanup };
}
