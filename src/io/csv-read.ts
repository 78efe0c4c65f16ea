import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { InputError } from '../domain/errors.js';
import { lineEndOf, quotelessRecords } from './csv-split.js';
import { firstLine, headText, readHead } from './file-head.js';

/**
 * The project's CSV reader: streamed (a file of a million rows is never held in memory),
 * with a byte-order mark, CRLF or LF, quoted fields holding delimiters, quotes and line
 * breaks, and `,`, `;` or tab as delimiter, detected from the header line (Excel writes `;`
 * in many locales). Values are returned exactly as written; what they mean is the caller's.
 * A quote that is never closed makes the whole file unusable: csv-parse would read every
 * line after it into one value, so the file is refused before its first record.
 */

export interface CsvRow {
  /** The line the record starts on, counting from 1 (a quoted field may span lines). */
  line: number;
  /** The line the record ends on: `line` unless a quoted value holds line breaks. */
  end: number;
  fields: string[];
}

/** What reading a file tells besides its records: the lines read, and warnings about the file as a whole. */
export interface CsvStats {
  lines: number;
  warnings?: string[];
}

export interface CsvSyntaxError {
  line: number;
  error: string;
}

const CANDIDATES = [',', ';', '\t'] as const;

/** The delimiter of a header line: the candidate that occurs most often outside quotes. */
export function detectDelimiter(headerLine: string): string {
  let quoted = false;
  const counts = new Map<string, number>();
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (CANDIDATES as readonly string[]).includes(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ',';
  let most = 0;
  for (const c of CANDIDATES) {
    const n = counts.get(c) ?? 0;
    if (n > most) [best, most] = [c, n];
  }
  return best;
}

/** What a file's quotes are: whether it holds any, and where a quoted value opens that is never closed. */
export interface QuoteScan {
  quoted: boolean;
  unclosed?: { line: number; lines: number };
}

/**
 * Whether the file holds a quote, and where a quoted value opens that is never closed,
 * read as csv-parse reads quotes (one opens a value only at its start; `""` inside is a
 * quote; a quote followed by anything but a delimiter or line break ends the quoting,
 * relax_quotes), with how many lines the file has. One pass over the bytes, jumping from
 * quote to quote.
 */
export function scanQuotes(file: string, delimiter: string): QuoteScan {
  const d = delimiter.charCodeAt(0);
  const buf = Buffer.alloc(1 << 20);
  const fd = fs.openSync(file, 'r');
  let quoted = false;
  let quoting = false;
  let openAt = -1;
  // The chunk ended on a quote inside a quoted value: the next byte says whether it closes.
  let pending = false;
  let prev = 10;
  let base = 0;
  let start = 0;
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, base);
      if (n === 0) break;
      let i = 0;
      if (base === 0 && n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) i = start = 3;
      if (pending) {
        pending = false;
        if (buf[0] === 0x22) i = 1;
        else quoting = false;
      }
      for (;;) {
        const q = buf.indexOf(0x22, i);
        if (q < 0 || q >= n) break;
        quoted = true;
        if (!quoting) {
          const before = base + q === start ? 10 : q > 0 ? buf[q - 1] : prev;
          if (before === d || before === 10 || before === 13) {
            quoting = true;
            openAt = base + q;
          }
          i = q + 1;
        } else if (q + 1 >= n) {
          pending = true;
          break;
        } else if (buf[q + 1] === 0x22) {
          i = q + 2;
        } else {
          quoting = false;
          i = q + 1;
        }
      }
      prev = buf[n - 1]!;
      base += n;
    }
    if (!quoting || pending) return { quoted };
    // Rare, so counted in a second pass: the opening quote's line and the file's lines.
    let breaksBefore = 0;
    let total = 0;
    let last = 10;
    for (let at = 0; ; ) {
      const n = fs.readSync(fd, buf, 0, buf.length, at);
      if (n === 0) break;
      for (let k = buf.indexOf(10); k >= 0 && k < n; k = buf.indexOf(10, k + 1)) {
        total++;
        if (at + k < openAt) breaksBefore++;
      }
      last = buf[n - 1]!;
      at += n;
    }
    return { quoted, unclosed: { line: breaksBefore + 1, lines: total + (last === 10 ? 0 : 1) } };
  } finally {
    fs.closeSync(fd);
  }
}

/** Line breaks inside a value, a CRLF counting once. */
function breaks(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) if (text.charCodeAt(i + 1) !== 10) n++;
  return n;
}

/** Yields the file's records one by one: readCsvBatches flattened. */
export async function* readCsv(file: string, display = file, stats?: CsvStats): AsyncGenerator<CsvRow | CsvSyntaxError> {
  for await (const batch of readCsvBatches(file, display, stats)) yield* batch;
}

/**
 * The records a stream in object mode holds, in batches of those it has buffered: one
 * await per batch rather than per record (a million awaits were a tenth of an import).
 */
async function* buffered<T>(stream: Readable): AsyncGenerator<T[]> {
  let failure: unknown;
  let wake = () => {};
  const nudge = () => wake();
  stream.on('readable', nudge);
  stream.on('end', nudge);
  stream.on('error', (e) => {
    failure = e;
    wake();
  });
  for (;;) {
    const batch: T[] = [];
    for (let r = stream.read() as T | null; r !== null; r = stream.read() as T | null) batch.push(r);
    if (failure) throw failure;
    if (batch.length) yield batch;
    else if (stream.readableEnded) return;
    else await new Promise<void>((resolve) => (wake = resolve));
  }
}

/**
 * How the reader has csv-parse read a file (csv-split.ts cuts a file without quotes as
 * these would): a quote inside an unquoted value (37°36'37.8"N, a 12" record) is kept, as
 * Excel does; a record that cannot be read is skipped and reported.
 */
export const CSV_OPTIONS = { bom: true, relax_column_count: true, relax_quotes: true, skip_records_with_error: true } as const;

/** csv-parse's records of the file, in the batches it has buffered; the records it skips go to `skipped`. */
function parsedRecords(file: string, delimiter: string, skipped: CsvSyntaxError[]): AsyncGenerator<string[][]> {
  const parser = parse({
    ...CSV_OPTIONS,
    delimiter,
    on_skip: (err: CsvError | undefined) => {
      if (!err) return undefined;
      // scanQuotes finds these first; should csv-parse still meet one, the record it is in
      // starts on the line after the last one read, and nothing after it was read.
      if (err.code === 'CSV_QUOTE_NOT_CLOSED') skipped.push({ line: -1, error: 'a quoted value is never closed: this line and every line after it were not read' });
      else skipped.push({ line: Number(err.lines), error: err.message.replace(/ (on|at) line \d+/g, '') });
      return undefined;
    },
  });
  // 64 KB at a time: the import writes each piece as it is read (app/import.ts says why).
  const input = fs.createReadStream(file, { highWaterMark: 64 * 1024 });
  input.on('error', (e) => parser.destroy(e));
  input.pipe(parser);
  return buffered<string[]>(parser);
}

/** Each line end by its name, and where it usually comes from. */
const LINE_ENDS: Record<string, { name: string; from: string }> = {
  '\r\n': { name: 'CRLF', from: 'Windows' }, '\n': { name: 'LF', from: 'Unix, macOS' }, '\r': { name: 'CR', from: 'classic Mac' },
};

/**
 * The warning for a file whose lines end in two ways, most often two files put together
 * (a header saved on one system, rows exported on another): records end only where the
 * first line does, as csv-parse reads them, so the rows are rejected, not loaded wrong.
 */
function mixedLineEnds(display: string, lineEnd: string, line: number): string {
  const { name, from } = LINE_ENDS[lineEnd]!;
  return `${display}: its lines end in more than one way: line 1 ends with ${name} (${from}), but the record on line ${line} ` +
    `holds another line break. Records end only at ${name}, so rows read together or holding a stray line ` +
    `break are rejected: give the file one kind of line end (for example dos2unix, or save it again as CSV UTF-8) and import it again`;
}

/**
 * The line end at which the file is cut into records without csv-parse (csv-split.ts), or
 * undefined when csv-parse reads it: the file holds a quote, or its head shows no line end
 * for sure (a first line longer than the head, or a head ending in a \r).
 */
export function quotelessLineEnd(head: Buffer, quotes: QuoteScan): string | undefined {
  return quotes.quoted ? undefined : lineEndOf(headText(head));
}

/**
 * Yields the file's records in batches, the header first, each with the lines it covers
 * (counted here: a record takes one line plus the line breaks inside its quoted values).
 * A file with a quote that is never closed is refused (InputError naming `display`)
 * before its first record. A record csv-parse cannot read otherwise is yielded as a
 * CsvSyntaxError and reading goes on where csv-parse resumes. A file without a quote is
 * cut into records by csv-split.ts, as csv-parse would cut it, and a value of it that holds
 * a line break adds a warning to `stats.warnings` (its lines end in two ways). `stats.lines`
 * is the number of lines read, once the last record has been yielded.
 */
export async function* readCsvBatches(
  file: string, display = file, stats?: CsvStats,
): AsyncGenerator<(CsvRow | CsvSyntaxError)[]> {
  const head = readHead(file);
  const delimiter = detectDelimiter(firstLine(head));
  const quotes = scanQuotes(file, delimiter);
  const open = quotes.unclosed;
  if (open) {
    const unread = open.lines - open.line + 1;
    throw new InputError(
      `a quoted value opens on line ${open.line} and is never closed, so lines ${open.line}-${open.lines} ` +
        `(${unread} line${unread === 1 ? '' : 's'}) could not be read`,
      { file: display, line: open.line },
      `nothing was read; close the quote on line ${open.line} (or double a quote meant as text: "") and run again`,
    );
  }
  // csv-parse reports skipped records while it parses ahead of this loop; each waits
  // until the records before it are out. Its line count is its own, exact for LF files.
  const skipped: CsvSyntaxError[] = [];
  const lineEnd = quotelessLineEnd(head, quotes);
  const source = lineEnd === undefined ? parsedRecords(file, delimiter, skipped) : quotelessRecords(file, delimiter, lineEnd);
  let line = 1;
  let mixed = false;
  for await (const records of source) {
    const out: (CsvRow | CsvSyntaxError)[] = [];
    for (const fields of records) {
      while (skipped.length && skipped[0]!.line <= line && skipped[0]!.line >= 0) out.push(skipped.shift()!);
      const start = line;
      line++;
      for (let i = 0; i < fields.length; i++) {
        const f = fields[i]!;
        if (f.length > 0 && (f.includes('\n') || f.includes('\r'))) {
          line += breaks(f);
          // Without quotes, a value holds a line break only when the file's lines end in two ways.
          if (lineEnd !== undefined && !mixed) {
            mixed = true;
            stats?.warnings?.push(mixedLineEnds(display, lineEnd, start));
          }
        }
      }
      // A blank line is no record (csv-parse gives it as one empty field).
      if (fields.length === 1 && fields[0] === '') continue;
      out.push({ line: start, end: line - 1, fields });
    }
    if (out.length) yield out;
  }
  const rest = skipped.map((s) => (s.line < 0 ? { ...s, line } : s));
  if (stats) stats.lines = line - 1;
  if (rest.length) yield rest;
}
