import type TableClass from 'cli-table3';
import type StringWidth from 'string-width';

/**
 * Bordered tables for a terminal, fitted to its width. When the natural table is wider than
 * the terminal, the widest free-text columns (names, e-mail addresses, descriptions, server
 * replies) are cut first, a cell that no longer fits ending in an ellipsis, so that a row
 * stays one line and no word is broken across lines; identifiers, codes, dates and counts
 * are never cut. When even that is too wide, each row is shown as a record of its own
 * (label, value), as psql's expanded display does. Cells are text already made safe for a
 * terminal (visible()).
 */

/** Columns a cut free-text column keeps at least (more if its header's longest word needs them). */
const FLOOR = 10;

/** Loaded on the first table for a terminal: piped, JSON and CSV runs (cron) never load them. */
let Table: typeof TableClass | undefined;
const ELLIPSIS = '…';

export interface TableOptions {
  /** Header cells; none for a two-column table of fields. */
  head?: string[] | undefined;
  /** The terminal's width; undefined: as wide as the content. */
  width?: number | undefined;
  /** Which columns hold free text that may be cut; by default the last column of a headless table. */
  free?: boolean[] | undefined;
}

/**
 * A table drawn with box characters, its header ruled off, no rules between rows. Too wide for
 * the terminal, it tries in turn: headers on two lines at their spaces; free text cut; the
 * frame left out (columns two spaces apart, as `gh` and `kubectl` draw them); a record per row.
 */
export function drawTable(rows: string[][], { head, width, free }: TableOptions = {}): string {
  const all = head ? [head, ...rows] : rows;
  const n = Math.max(0, ...all.map((r) => r.length));
  if (n === 0) return '';
  const cuttable = free ?? Array.from({ length: n }, (_, i) => !head && i === n - 1);
  const frames: Frame[] = [BOXED, OPEN];
  const heads = head?.some((h) => h.includes(' ')) ? [head, head.map((h) => h.replace(/ +/g, '\n'))] : [head];
  for (const frame of frames) {
    for (const h of heads) {
      const cells = h ? [h, ...rows] : rows;
      const natural = Array.from({ length: n }, (_, i) => Math.max(1, ...cells.map((r) => longestLine(r[i] ?? ''))));
      const widths = width === undefined ? natural : fitted(natural, h, cuttable, width - frame.cost(n));
      if (widths) return frame.draw(h, rows, widths);
    }
  }
  return head ? drawRecords(head, rows, width!) : BOXED.draw(head, rows, cuttable.map((_, i) => Math.max(1, ...rows.map((r) => longestLine(r[i] ?? '')))));
}

interface Frame {
  /** Columns the frame and padding take around n columns of text. */
  cost(n: number): number;
  draw(head: string[] | undefined, rows: string[][], widths: number[]): string;
}

/** cli-table3 draws a rule between every two rows unless these are empty. */
const NO_ROW_RULES = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

const BOXED: Frame = {
  cost: (n) => 3 * n + 1,
  draw(head, rows, widths) {
    // cli-table3 draws the frame; the cells come already cut to the widths fitted here.
    Table ??= require('cli-table3') as typeof TableClass;
    const fit = (cells: string[]) => widths.map((w, i) => (cells[i] ?? '').split('\n').map((l) => cut(l, w)).join('\n'));
    const body = new Table({ colWidths: widths.map((w) => w + 2), chars: NO_ROW_RULES, style: { head: [], border: [] } });
    body.push(...rows.map(fit));
    if (!head) return body.toString();
    // The rule under the header: a table of the header alone, joined to the body's rows.
    const top = new Table({ colWidths: widths.map((w) => w + 2), head: fit(head), chars: NO_ROW_RULES, style: { head: [], border: [] } });
    const headLines = top.toString().split('\n').slice(0, -1);
    const bodyLines = body.toString().split('\n');
    const rule = bodyLines[0]!.replace('┌', '├').replace(/┬/g, '┼').replace('┐', '┤');
    return rows.length ? [...headLines, rule, ...bodyLines.slice(1)].join('\n') : top.toString();
  },
};

const OPEN: Frame = {
  cost: (n) => 2 * (n - 1),
  draw(head, rows, widths) {
    const line = (cells: string[]) => rowLines(cells, widths).map((l) => l.join('  ').trimEnd());
    const lines: string[] = [];
    if (head) lines.push(...line(head), widths.map((w) => '─'.repeat(w)).join('  '));
    for (const r of rows) lines.push(...line(r));
    return lines.join('\n');
  },
};

/**
 * Column widths whose sum is at most `room`: the widest free-text column loses a character at
 * a time, down to FLOOR (or its header's longest word); undefined when that is not enough.
 */
function fitted(natural: number[], head: string[] | undefined, free: boolean[], room: number): number[] | undefined {
  const widths = [...natural];
  let total = widths.reduce((a, b) => a + b, 0);
  const floor = (i: number) => Math.min(natural[i]!, Math.max(FLOOR, longestWord(head?.[i] ?? '')));
  while (total > room) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) {
      if (free[i] && widths[i]! > floor(i) && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    }
    if (widest < 0) return undefined;
    widths[widest]!--;
    total--;
  }
  return widths;
}

/** Each row as a record of label and value lines, a blank line between records; values cut to the width. */
function drawRecords(head: string[], rows: string[][], width: number): string {
  head = head.map((h) => h.replace(/\n/g, ' '));
  const label = Math.max(...head.map(textWidth));
  const room = Math.max(FLOOR, width - label - 2);
  return rows
    .map((r) => head.map((h, i) => `${pad(h, label)}  ${cut((r[i] ?? '').replace(/\n/g, ' '), room)}`.trimEnd()).join('\n'))
    .join('\n\n');
}

/** One row's screen lines, as padded cells: a cell with line breaks spans lines; each line is cut to its column. */
function rowLines(cells: string[], widths: number[]): string[][] {
  const split = widths.map((_, i) => (cells[i] ?? '').split('\n'));
  const height = Math.max(1, ...split.map((l) => l.length));
  const out: string[][] = [];
  for (let k = 0; k < height; k++) out.push(widths.map((w, i) => pad(cut(split[i]![k] ?? '', w), w)));
  return out;
}

/** The text, cut to `w` columns with an ellipsis when longer. */
export function cut(s: string, w: number): string {
  if (textWidth(s) <= w) return s;
  let out = '';
  let used = 0;
  for (const ch of s) {
    const cw = textWidth(ch);
    if (used + cw > w - 1) break;
    out += ch;
    used += cw;
  }
  return out.trimEnd() + ELLIPSIS;
}

function pad(s: string, w: number): string {
  return s + ' '.repeat(Math.max(0, w - textWidth(s)));
}

function longestLine(s: string): number {
  return Math.max(0, ...s.split('\n').map(textWidth));
}

function longestWord(s: string): number {
  return Math.max(0, ...s.split(/\s+/).map(textWidth));
}

let stringWidth: typeof StringWidth | undefined;

/** Columns the text takes on a terminal (string-width: wide CJK characters two, combining marks none). */
export function textWidth(s: string): number {
  stringWidth ??= require('string-width') as typeof StringWidth;
  return stringWidth(s);
}
