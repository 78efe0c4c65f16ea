import { csvCell } from '../domain/csv-cell.js';
import type { Format } from './formats.js';
import { drawTable } from './table.js';
import { visible } from './visible.js';

/**
 * The one place that turns a command's result into text. Commands return data; this
 * decides how it looks: a table for people, JSON / CSV / NDJSON for scripts.
 */

export { FORMATS, type Format } from './formats.js';

export interface Column {
  key: string;
  header: string;
  /** Free text (a name, an address, a description) that a person's table may cut to fit the terminal. */
  free?: boolean;
}

export type Row = Record<string, unknown>;

/** Rows of the same shape: listings, members, per-user reports. */
export interface ListOutput {
  kind: 'list';
  columns: Column[];
  rows: Iterable<Row>;
  /** What matched nothing, said on stderr when a person's table is empty ("no users match --status INACTIVE"). */
  empty?: string | undefined;
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
  /** A terminal's width; tables for people fit it. */
  columns?: number;
}

/** How a person's table shows times: in the local time zone, or in UTC (--utc). */
export interface ScreenOptions {
  utc?: boolean | undefined;
}

/**
 * Writes the output to `out`. A list drawn as a person's table with no rows draws nothing:
 * the result is false, and the caller says what matched nothing (ListOutput.empty).
 */
export function render(output: Output, format: Format, out: Sink, screen: ScreenOptions = {}): boolean {
  if (output.kind === 'list') return renderList(output, format, out, screen);
  renderReport(output, format, out, screen);
  return true;
}

function renderList(output: ListOutput, format: Format, out: Sink, screen: ScreenOptions): boolean {
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
      return true;
    }
    case 'ndjson':
      for (const r of rows) out.write(JSON.stringify(r) + '\n');
      return true;
    case 'csv':
      out.write(columns.map((c) => csvCell(c.key)).join(',') + '\r\n');
      for (const r of rows) out.write(columns.map((c) => csvCell(cellText(r[c.key]))).join(',') + '\r\n');
      return true;
    case 'table': {
      if (!out.isTTY) {
        // Piped: tab-separated rows with no header, borders or colour, as `gh` does, for cut and awk.
        for (const r of rows) out.write(columns.map((c) => plain(cellText(r[c.key]))).join('\t') + '\n');
        return true;
      }
      const drawn = table(columns, rows, out, screen);
      if (drawn) out.write(drawn + '\n');
      return drawn !== '';
    }
  }
}

function renderReport(output: ReportOutput, format: Format, out: Sink, screen: ScreenOptions): void {
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
        blocks.push(head + drawTable(shown.map(([k, v]) => [onScreen(k), onScreen(cellText(v), screen)]), { width: out.columns }));
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
        blocks.push(head + table(s.columns, s.rows, out, screen));
      } else {
        const lines = [s.columns.map((c) => c.header).join('\t'),
          ...s.rows.map((r) => s.columns.map((c) => plain(cellText(r[c.key]))).join('\t'))];
        blocks.push(head + lines.join('\n'));
      }
    }
  }
  if (blocks.length) out.write(blocks.join('\n\n') + '\n');
}

/** A person's table, fitted to the terminal's width; '' when there are no rows. */
function table(columns: Column[], rows: Iterable<Row>, out: Sink, screen: ScreenOptions): string {
  const cells: string[][] = [];
  for (const r of rows) cells.push(columns.map((c) => onScreen(cellText(r[c.key]), screen)));
  const free = columns.map((c) => c.free === true);
  return cells.length ? drawTable(cells, { head: columns.map((c) => onScreen(c.header)), width: out.columns, free }) : '';
}

export function cellText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.map(cellText).join('; ');
  if (typeof v === 'object') return JSON.stringify(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

/** A table cell: a tab would misalign the columns; times are shown as a person reads them. */
function onScreen(s: string, screen?: ScreenOptions): string {
  const shown = visible(s).replace(/\t/g, ' ');
  return screen ? shown.replace(TIMESTAMP, (t) => screenTime(t, screen.utc === true)) : shown;
}

/** A stored time (ISO 8601 in UTC, as the store keeps it), wherever it stands in a cell. */
const TIMESTAMP = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g;

/** `2026-11-29 09:36:22` in the local time zone, or `2026-11-29 08:36:22 UTC`. */
export function screenTime(iso: string, utc: boolean): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  if (utc) return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** Tabs and newlines inside a value would break a tab-separated line. */
function plain(s: string): string {
  return visible(s.replace(/[\t\r\n]+/g, ' '));
}
