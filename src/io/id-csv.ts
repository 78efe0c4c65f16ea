import { InputError } from '../core/errors.js';
import { readCsv } from './csv-read.js';
import { chooseColumn, cleanId, type IdHeader, type IdLine } from './id-lines.js';

/**
 * An ID file saved as CSV (Excel "Save as CSV", an Analytics export): `,` or `;`, quoted
 * or not, read through the project's CSV reader. The ID column is the one --column names
 * or the one with a known header (id-lines.ts, chooseColumn).
 */

export interface CsvIdRead {
  header: IdHeader;
  blank: number;
}

const BATCH = 4096;

export async function* readCsvIds(
  file: string,
  display: string,
  opts: { column?: string | undefined; identifierTypes: readonly string[] },
  state: CsvIdRead,
): AsyncGenerator<IdLine[]> {
  let index = -1;
  let batch: IdLine[] = [];
  for await (const item of readCsv(file)) {
    if ('error' in item) {
      if (index < 0) throw new InputError(`the header line is not readable as CSV: ${item.error}`, { file: display, line: item.line });
      batch.push({ line: item.line, id: '', invalid: `not readable as CSV: ${item.error}` });
      continue;
    }
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
    if (batch.length >= BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}
