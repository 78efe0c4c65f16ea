import fs from 'node:fs';
import { classifyFirstLine, cleanId, type IdHeader, type IdLine } from './id-lines.js';

/**
 * A plain ID file: one ID a line, as Alma's "Add members to set" takes it. Streamed in
 * batches, so a file of millions of lines is never held in memory. UTF-8 with or without a
 * byte-order mark, UTF-16 with one (Excel's "Unicode Text"); LF, CRLF or CR line ends.
 */

export interface TextRead {
  header: IdHeader;
  /** Blank lines seen so far (skipped; not errors). */
  blank: number;
}

const BATCH = 8192;

function encodingOf(head: Buffer): 'utf-8' | 'utf-16le' | 'utf-16be' {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return 'utf-8';
}

/**
 * Reads the file; `state.header` is settled before the first batch is yielded (a first
 * line that is a header is not yielded as an ID).
 */
export async function* readTextIds(file: string, head: Buffer, identifierTypes: readonly string[], state: TextRead): AsyncGenerator<IdLine[]> {
  // TextDecoder drops the byte-order mark and joins characters split across chunks.
  const decoder = new TextDecoder(encodingOf(head));
  const sample = decoder.decode(head, { stream: false });
  const separator = sample.includes('\n') || !sample.includes('\r') ? '\n' : '\r';
  const streamDecoder = new TextDecoder(encodingOf(head));
  let rest = '';
  let line = 0;
  let first = true;
  let batch: IdLine[] = [];

  const take = (text: string): void => {
    line++;
    const raw = separator === '\n' && text.endsWith('\r') ? text.slice(0, -1) : text;
    if (first) {
      if (raw.trim() === '') {
        state.blank++;
        return;
      }
      first = false;
      state.header = classifyFirstLine(raw, identifierTypes);
      if (state.header.found) return;
    }
    const c = cleanId(unquote(raw));
    if (!c) {
      state.blank++;
      return;
    }
    batch.push(c.invalid ? { line, id: c.id, invalid: c.invalid } : { line, id: c.id });
  };

  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    const text = rest + streamDecoder.decode(chunk as Buffer, { stream: true });
    let start = 0;
    for (let nl = text.indexOf(separator); nl >= 0; nl = text.indexOf(separator, start)) {
      take(text.slice(start, nl));
      start = nl + 1;
    }
    rest = text.slice(start);
    if (batch.length >= BATCH) {
      yield batch;
      batch = [];
    }
  }
  rest += streamDecoder.decode();
  if (rest !== '') take(rest);
  if (batch.length) yield batch;
}

/** A line written as a quoted spreadsheet value, "0012345", is that value. */
function unquote(raw: string): string {
  const t = raw.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : raw;
}
