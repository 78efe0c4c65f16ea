import { createRequire } from 'node:module';
import type TableClass from 'cli-table3';
import { csvCell } from '../domain/csv-cell.js';
import type { Format } from './formats.js';
import { visible } from './visible.js';

/**
 * The one place that turns a command's result into text. Commands return data; this
 * decides how it looks: a table for people, JSON / CSV / NDJSON for scripts.
 */

export { FORMATS, type Format } from './formats.js';

export interface Column {
  key: string;
  header: string;
}

export type Row = Record<string, unknown>;

/** Rows of the same shape: listings, members, per-user reports. */
export interface ListOutput {
  kind: 'list';
  columns: Column[];
  rows: Iterable<Row>;
}

/** One object for scripts (`json`), shown to people as titled sections. */
export interface ReportOutput {
  kind: 'report';
  json: unknown;
  sections: Section[];
}

export type Section =
  | { title?: string; kind: 'fields'; fields: [label: string, value: unknown][] }
  | { title?: string; kind: 'table'; columns: Column[]; rows: Row[] }
  | { title?: string; kind: 'lines'; lines: string[] };

export type Output = ListOutput | ReportOutput;

export interface Sink {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export function render(output: Output, format: Format, out: Sink): void {
  if (output.kind === 'list') renderList(output, format, out);
  else renderReport(output, format, out);
}

function renderList(output: ListOutput, format: Format, out: Sink): void {
  const { columns, rows } = output;
  switch (format) {
    case 'json': {
      // Streamed element by element, so a million users never sit in one string.
      out.write('[');
      let first = true;
      for (const r of rows) {
        out.write((first ? '\n' : ',\n') + JSON.stringify(r));
        first = false;
      }
      out.write(first ? ']\n' : '\n]\n');
      return;
    }
    case 'ndjson':
      for (const r of rows) out.write(JSON.stringify(r) + '\n');
      return;
    case 'csv':
      out.write(columns.map((c) => csvCell(c.key)).join(',') + '\r\n');
      for (const r of rows) out.write(columns.map((c) => csvCell(cellText(r[c.key]))).join(',') + '\r\n');
      return;
    case 'table':
      if (!out.isTTY) {
        // Piped: tab-separated rows with no header, borders or colour, as `gh` does, for cut and awk.
        for (const r of rows) out.write(columns.map((c) => plain(cellText(r[c.key]))).join('\t') + '\n');
        return;
      }
      out.write(table(columns, rows) + '\n');
  }
}

function renderReport(output: ReportOutput, format: Format, out: Sink): void {
  if (format === 'json') {
    out.write(JSON.stringify(output.json, null, 2) + '\n');
    return;
  }
  if (format === 'ndjson') {
    out.write(JSON.stringify(output.json) + '\n');
    return;
  }
  const tty = out.isTTY === true;
  const blocks: string[] = [];
  for (const s of output.sections) {
    const head = s.title ? `${visible(s.title)}\n` : '';
    if (s.kind === 'lines') {
      if (s.lines.length) blocks.push(head + s.lines.map(visible).join('\n'));
    } else if (s.kind === 'fields') {
      const shown = s.fields.filter(([, v]) => v !== undefined && v !== null && v !== '');
      if (format === 'csv') {
        blocks.push(['field,value', ...shown.map(([k, v]) => `${csvCell(k)},${csvCell(cellText(v))}`)].join('\r\n'));
      } else if (tty) {
        const t = newTable({ style: { head: [], border: [] }, chars: NO_ROW_RULES });
        for (const [k, v] of shown) t.push({ [onScreen(k)]: onScreen(cellText(v)) });
        blocks.push(head + t.toString());
      } else {
        // Piped: `label<TAB>value` lines, like the rows of a table section.
        blocks.push(head + shown.map(([k, v]) => `${plain(k)}\t${plain(cellText(v))}`).join('\n'));
      }
    } else if (s.rows.length) {
      if (format === 'csv') {
        blocks.push(
          [s.columns.map((c) => csvCell(c.key)).join(','),
            ...s.rows.map((r) => s.columns.map((c) => csvCell(cellText(r[c.key]))).join(','))].join('\r\n'),
        );
      } else if (tty) {
        blocks.push(head + table(s.columns, s.rows));
      } else {
        const lines = [s.columns.map((c) => c.header).join('\t'),
          ...s.rows.map((r) => s.columns.map((c) => plain(cellText(r[c.key]))).join('\t'))];
        blocks.push(head + lines.join('\n'));
      }
    }
  }
  if (blocks.length) out.write(blocks.join('\n\n') + '\n');
}

let Table: typeof TableClass | undefined;

/** Tables are drawn only on a terminal: piped, JSON and CSV runs (cron) never load cli-table3. */
function newTable(options: TableClass.TableConstructorOptions): TableClass.Table {
  Table ??= createRequire(import.meta.url)('cli-table3') as typeof TableClass;
  return new Table(options);
}

/** cli-table3 draws a rule between every two rows unless these are empty. */
const NO_ROW_RULES = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

/** A bordered table with a rule under its header and none between rows. */
function table(columns: Column[], rows: Iterable<Row>): string {
  const t = newTable({ head: columns.map((c) => c.header), style: { head: [], border: [] } });
  for (const r of rows) t.push(columns.map((c) => onScreen(cellText(r[c.key]))));
  // The rule under the header uses the same characters as those between rows; keep only it.
  let ruled = false;
  return t
    .toString()
    .split('\n')
    .filter((line) => !line.startsWith('├') || (!ruled && (ruled = true)))
    .join('\n');
}

export function cellText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.map(cellText).join('; ');
  if (typeof v === 'object') return JSON.stringify(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

/** A table cell: a tab would misalign the columns. */
function onScreen(s: string): string {
  return visible(s).replace(/\t/g, ' ');
}

/** Tabs and newlines inside a value would break a tab-separated line. */
function plain(s: string): string {
  return visible(s.replace(/[\t\r\n]+/g, ' '));
}
