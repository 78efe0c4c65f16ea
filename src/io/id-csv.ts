import { InputError } from '../domain/errors.js';
import { readCsv } from './csv-read.js';
import { LINE_BREAK } from './file-head.js';
import { chooseColumn, cleanId, type IdHeader, type IdLine } from './id-lines.js';

/**
 * An ID file saved as CSV (Excel "Save as CSV", an Analytics export): `,` or `;`, quoted
 * or not, read through the project's CSV reader. The ID column is the one --column names
 * or the one with a known header (id-lines.ts, chooseColumn).
 *
 * A quoted value may legally hold line breaks, but in an ID file a record over several
 * lines is almost always a stray quote that has swallowed the IDs of the lines after it.
 * So every line such a record covers is reported as invalid, never silently lost. A quote
 * that is never closed would leave the rest of the file unread: the CSV reader refuses
 * such a file before its first record (InputError, exit 2), so nothing is loaded.
 */

export interface CsvIdRead {
  header: IdHeader;
  blank: number;
}

const BATCH = 4096;

export async function* readCsvIds(
  file: string,
  display: string,
  opts: { column?: string | undefined; identifierTypes: readonly string[]; delimiter: string },
  state: CsvIdRead,
): AsyncGenerator<IdLine[]> {
  let index = -1;
  let batch: IdLine[] = [];
  for await (const item of readCsv(file, display)) {
    if ('error' in item) {
      if (index < 0) throw new InputError(`the header line is not readable as CSV: ${item.error}`, { file: display, line: item.line });
      batch.push({ line: item.line, id: '', invalid: `not readable as CSV: ${item.error}` });
      continue;
    }
    if (item.end > item.line) {
      // The first value holding a line break, and so its opening quote, is on the record's first line.
      const runs = `a quote opened on line ${item.line} runs over lines ${item.line}..${item.end}`;
      if (index < 0) {
        throw new InputError(`${runs}, so the header cannot be read`, { file: display, line: item.line }, 'close the quote on the line it opens, or remove it');
      }
      const invalid = `${runs}: they were read as one record, so no ID on them was used; close the quote on line ${item.line}, or remove it`;
      // Each line as written (less the quote), so the IDs it swallowed can be seen.
      item.fields.join(opts.delimiter).split(LINE_BREAK).forEach((text, i) => batch.push({ line: item.line + i, id: text.trim(), invalid }));
    } else {
      if (index < 0) {
        const choice = chooseColumn(item.fields, opts, display);
        index = choice.index;
        state.header = choice.header;
        if (choice.header.found) continue;
      }
      const raw = item.fields[index] ?? '';
      const c = cleanId(raw);
      if (!c) {
        if (item.fields.every((f) => f.trim() === '')) state.blank++;
        else batch.push({ line: item.line, id: '', invalid: 'the ID column is empty on this line' });
      } else {
        batch.push(c.invalid ? { line: item.line, id: c.id, invalid: c.invalid } : { line: item.line, id: c.id });
      }
    }
    if (batch.length >= BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}
