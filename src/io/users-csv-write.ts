import type { User } from '../domain/user.js';
import { LIST_FIELDS, SCALAR_FIELDS } from '../domain/user-fields.js';
import { csvCell } from '../domain/csv-cell.js';

/**
 * Users as CSV for `users export --to csv`: every scalar field of the model, then each list
 * as a JSON array in a column of its name, so that importing the file gives back every
 * field. Cells a spreadsheet would run as formulas are neutralised (csvCell). The import
 * takes a leading ' of a primary_id for Excel's text marker and drops it, so a primary ID
 * that truly begins with ' is written with one more.
 */

export const CSV_EXPORT_COLUMNS = [...SCALAR_FIELDS, ...LIST_FIELDS] as const;

export function csvHeaderLine(): string {
  return CSV_EXPORT_COLUMNS.join(',') + '\r\n';
}

export function csvUserLine(u: User): string {
  let line = '';
  for (let i = 0; i < CSV_EXPORT_COLUMNS.length; i++) {
    const c = CSV_EXPORT_COLUMNS[i]!;
    const v = u[c];
    let s: string;
    if (Array.isArray(v)) s = v.length ? JSON.stringify(v) : '';
    else if (typeof v === 'boolean') s = v ? 'true' : 'false';
    else s = v ?? '';
    if (c === 'primary_id' && s.startsWith("'")) s = `'${s}`;
    line += (i ? ',' : '') + csvCell(s);
  }
  return line + '\r\n';
}
