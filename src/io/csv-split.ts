import fs from 'node:fs';
import { LINE_BREAK } from './file-head.js';

/**
 * The records of a CSV file that holds no quote, cut where csv-parse cuts them with the
 * CSV reader's options (csv-read.ts), at a fraction of its cost: csv-parse weighs every
 * character for quotes and escapes, which was a sixth of an import of a million users.
 * Without a quote, a record is the text between two line ends and its values are what
 * the delimiter separates. The line end is the one csv-parse settles on, the first in the
 * file; any other line break is text inside a value, as csv-parse reads it.
 * test/unit/csv-split.test.ts holds the two to the same records for any text without a
 * quote, however it is cut into chunks.
 */

/**
 * The line end of a text (its first), or undefined when the text shows none for sure: a
 * `\r` at its very end may be the first half of a `\r\n`.
 */
export function lineEndOf(text: string): string | undefined {
  const m = LINE_BREAK.exec(text);
  if (!m || (m[0] === '\r' && m.index === text.length - 1)) return undefined;
  return m[0];
}

/** Records from text given in chunks: each chunk gives the records it completes. */
export class QuotelessRecords {
  /** The text after the last line end, in the chunks it came in: joined only once a line end arrives, so a long line is not copied at every chunk. */
  private waiting: string[] = [];
  private started = false;

  constructor(
    private readonly delimiter: string,
    private readonly lineEnd: string,
  ) {}

  /** The records the text read so far completes; what follows the last line end waits for the next chunk. */
  push(chunk: string): string[][] {
    if (chunk === '') return [];
    if (!this.started) {
      this.started = true;
      // csv-parse's `bom` option: a byte-order mark at the start of the file is not text.
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    // A \r\n may begin at the end of the text waiting and end at the start of this chunk.
    const before = this.waiting.at(-1) ?? '';
    const overlap = this.lineEnd.length > 1 ? before.slice(-(this.lineEnd.length - 1)) : '';
    if ((overlap + chunk).indexOf(this.lineEnd) < 0) {
      this.waiting.push(chunk);
      return [];
    }
    const text = this.waiting.join('') + chunk;
    const records: string[][] = [];
    let from = 0;
    for (let at = text.indexOf(this.lineEnd); at >= 0; at = text.indexOf(this.lineEnd, from)) {
      records.push(text.slice(from, at).split(this.delimiter));
      from = at + this.lineEnd.length;
    }
    this.waiting = from < text.length ? [text.slice(from)] : [];
    return records;
  }

  /** The last record, when the text does not end with a line end. */
  end(): string[][] {
    const last = this.waiting.join('');
    this.waiting = [];
    return last === '' ? [] : [last.split(this.delimiter)];
  }
}

/** A quote-free file's records, in the batches each 64 KB read completes. */
export async function* quotelessRecords(file: string, delimiter: string, lineEnd: string): AsyncGenerator<string[][]> {
  const records = new QuotelessRecords(delimiter, lineEnd);
  for await (const chunk of fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 64 * 1024 })) {
    const batch = records.push(chunk as string);
    if (batch.length) yield batch;
  }
  const last = records.end();
  if (last.length) yield last;
}
