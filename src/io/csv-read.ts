import fs from 'node:fs';
import { parse, type CsvError } from 'csv-parse';

/**
 * The project's CSV reader: streamed (a file of a million rows is never held in memory),
 * with a byte-order mark, CRLF or LF, quoted fields holding delimiters, quotes and line
 * breaks, and `,`, `;` or tab as delimiter, detected from the header line (Excel writes `;`
 * in many locales). Values are returned exactly as written; what they mean is the caller's.
 */

export interface CsvRow {
  /** The line the record starts on, counting from 1 (a quoted field may span lines). */
  line: number;
  fields: string[];
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

function firstLine(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    const text = buf.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '');
    return text.split(/\r\n|\r|\n/, 1)[0] ?? '';
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

/**
 * Yields the file's records, the header first, each with the line it starts on (counted
 * here: a record takes one line plus the line breaks inside its quoted values). A record
 * csv-parse cannot read (an unclosed quote, a stray quote) is yielded as a CsvSyntaxError
 * and reading goes on where csv-parse resumes.
 */
export async function* readCsv(file: string): AsyncGenerator<CsvRow | CsvSyntaxError> {
  const delimiter = detectDelimiter(firstLine(file));
  // csv-parse reports skipped records while it parses ahead of this loop; each waits
  // until the records before it are out. Its line count is its own, exact for LF files.
  const skipped: CsvSyntaxError[] = [];
  const parser = parse({
    bom: true,
    delimiter,
    relax_column_count: true,
    // A quote inside an unquoted value (37°36'37.8"N, a 12" record) is kept, as Excel does.
    relax_quotes: true,
    skip_records_with_error: true,
    on_skip: (err: CsvError | undefined) => {
      if (err) skipped.push({ line: Number(err.lines), error: err.message.replace(/ (on|at) line \d+/g, '') });
      return undefined;
    },
  });
  const input = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  input.on('error', (e) => parser.destroy(e));
  input.pipe(parser);
  let line = 1;
  for await (const fields of parser as AsyncIterable<string[]>) {
    while (skipped.length && skipped[0]!.line <= line) yield skipped.shift()!;
    const start = line;
    line++;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      if (f.length > 0 && (f.includes('\n') || f.includes('\r'))) line += breaks(f);
    }
    // A blank line is no record (csv-parse gives it as one empty field).
    if (fields.length === 1 && fields[0] === '') continue;
    yield { line: start, fields };
  }
  while (skipped.length) yield skipped.shift()!;
}
