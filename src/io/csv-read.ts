import fs from 'node:fs';
import { parse, type CsvError, type Options } from 'csv-parse';

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

/** Line breaks in a record's raw text; csv-parse leaves the `\n` of a CRLF off a record's raw. */
function breaks(raw: string): number {
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13 && raw.charCodeAt(i + 1) !== 10) n++;
  }
  return n;
}

/**
 * Yields the file's records, the header first, each with the line it starts on. A record
 * csv-parse cannot read (an unclosed quote, a stray quote) is yielded as a CsvSyntaxError
 * and reading goes on where csv-parse resumes.
 */
export async function* readCsv(file: string): AsyncGenerator<CsvRow | CsvSyntaxError> {
  const delimiter = detectDelimiter(firstLine(file));
  // csv-parse calls these in file order while it parses ahead of the consumer, so lines
  // are counted here; a skipped record's error waits until the records before it are out.
  const skipped: CsvSyntaxError[] = [];
  let line = 1;
  const parser = parse({
    bom: true,
    delimiter,
    raw: true,
    relax_column_count: true,
    skip_records_with_error: true,
    // With `raw`, csv-parse hands on_record { record, raw } and pushes what it returns;
    // its typings know neither, hence the cast.
    on_record: (({ record, raw }: { record: string[]; raw: string }): CsvRow => {
      const row: CsvRow = { line, fields: record };
      line += breaks(raw);
      return row;
    }) as unknown as Options['on_record'],
    on_skip: (err: CsvError | undefined, raw: string | undefined) => {
      if (err) skipped.push({ line, error: err.message.replace(/ (on|at) line \d+/g, '') });
      line += breaks(raw ?? '');
      return undefined;
    },
  });
  const input = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  input.on('error', (e) => parser.destroy(e));
  input.pipe(parser);
  for await (const row of parser as AsyncIterable<CsvRow>) {
    while (skipped.length && skipped[0]!.line < row.line) yield skipped.shift()!;
    // A blank line is no record (csv-parse gives it as one empty field).
    if (row.fields.length === 1 && row.fields[0] === '') continue;
    yield row;
  }
  while (skipped.length) yield skipped.shift()!;
}
