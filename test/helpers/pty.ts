import os from 'node:os';
import { spawn, type IPty } from 'node-pty';
import { BIN, ROOT } from './cli.js';

/**
 * The built CLI on a pseudo-terminal, as a person at a terminal of the given width sees it:
 * stdin, stdout and stderr are all the terminal (isTTY, columns). Only for what needs a real
 * terminal (table width, the progress line, Ctrl-C); build first (`npm run build`).
 */
export interface PtyOptions {
  cols?: number;
  rows?: number;
  /** The environment, besides PATH, HOME (a temporary folder), TZ and TERM=xterm-256color. */
  env?: Record<string, string | undefined>;
  cwd?: string;
}

export interface PtyResult {
  /** The exit code, or null when a signal ended the process. */
  code: number | null;
  signal: number | null;
  /** Everything written, escape sequences removed, line ends as \n (\r kept where lone). */
  output: string;
  /** The final screen: the terminal's lines after every overwrite, wrap and erase. */
  screen: string;
}

export interface PtySession {
  /** What was written so far, as PtyResult.output. */
  output(): string;
  /** The screen so far, as PtyResult.screen. */
  screen(): string;
  /** Types on the terminal, e.g. '\x03' for Ctrl-C. */
  write(data: string): void;
  /** Resolves once the output matches (text or pattern); rejects after timeoutMs. */
  waitFor(match: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves when the process has ended. */
  exited: Promise<PtyResult>;
  kill(signal?: string): void;
  readonly pid: number;
}

/** Starts `alma-users ...args` on a terminal `cols` wide (80 unless told). */
export function ptyStart(args: string[], opts: PtyOptions = {}): PtySession {
  const cols = opts.cols ?? 80;
  const rows = opts.rows ?? 50;
  const env: Record<string, string> = {};
  const given = { PATH: process.env.PATH, HOME: os.tmpdir(), TZ: process.env.TZ, TERM: 'xterm-256color', ...opts.env };
  for (const [k, v] of Object.entries(given)) if (v !== undefined) env[k] = v;
  const term: IPty = spawn(process.execPath, [BIN, ...args], { name: 'xterm-256color', cols, rows, cwd: opts.cwd ?? ROOT, env });
  let raw = '';
  const waiters: { test: () => boolean; resolve: () => void }[] = [];
  const settle = () => {
    for (const w of [...waiters]) if (w.test()) (waiters.splice(waiters.indexOf(w), 1), w.resolve());
  };
  term.onData((d) => {
    raw += d;
    settle();
  });
  const exited = new Promise<PtyResult>((resolve) => {
    term.onExit(({ exitCode, signal }) => {
      // node-pty reports the exit before the last data event may have been delivered.
      setTimeout(() => {
        resolve({
          code: signal ? null : exitCode,
          signal: signal || null,
          output: plainText(raw),
          screen: renderScreen(raw, cols),
        });
      }, 50);
    });
  });
  return {
    pid: term.pid,
    output: () => plainText(raw),
    screen: () => renderScreen(raw, cols),
    write: (data) => term.write(data),
    kill: (signal) => term.kill(signal),
    exited,
    waitFor(match, timeoutMs = 15_000) {
      const test = () => (typeof match === 'string' ? plainText(raw).includes(match) : match.test(plainText(raw)));
      if (test()) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`timed out waiting for ${String(match)}; the terminal shows:\n${plainText(raw)}`));
        }, timeoutMs);
        const waiter = { test, resolve: () => (clearTimeout(timer), resolve()) };
        waiters.push(waiter);
      });
    },
  };
}

/** Runs `alma-users ...args` on a terminal to its end and returns what it showed. */
export function ptyRun(args: string[], opts: PtyOptions = {}): Promise<PtyResult> {
  return ptyStart(args, opts).exited;
}

// CSI (ESC [ params final), OSC (ESC ] ... BEL or ESC \), and two-character escapes.
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** The output without escape sequences, CR LF as \n. */
export function plainText(raw: string): string {
  return raw.replace(ESCAPES, '').replace(/\r\n/g, '\n');
}

/**
 * A small terminal: printable characters, CR, LF, backspace, auto-wrap at `cols`, and the
 * CSI sequences progress lines and spinners use (cursor moves, erase in line and display).
 * Enough to tell what a person would see after overwrites; colours are ignored.
 */
export function renderScreen(raw: string, cols: number): string {
  const lines: string[][] = [[]];
  let row = 0;
  let col = 0;
  const line = () => (lines[row] ??= []);
  const at = (r: number) => {
    while (lines.length <= r) lines.push([]);
    row = r;
  };
  const TOKEN = /\x1b\[([0-?]*)[ -/]*([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|[\s\S]/g;
  for (const m of raw.matchAll(TOKEN)) {
    const [tok, params, final] = m;
    if (final !== undefined) {
      const n = parseInt(params!.replace(/^\?/, ''), 10);
      const count = Number.isNaN(n) ? 1 : Math.max(n, 1);
      if (final === 'A') row = Math.max(0, row - count);
      else if (final === 'B') at(row + count);
      else if (final === 'C') col = Math.min(cols - 1, col + count);
      else if (final === 'D') col = Math.max(0, col - count);
      else if (final === 'G') col = Math.min(cols - 1, count - 1);
      else if (final === 'E') (at(row + count), (col = 0));
      else if (final === 'F') ((row = Math.max(0, row - count)), (col = 0));
      else if (final === 'K') {
        const mode = Number.isNaN(n) ? 0 : n;
        const l = line();
        if (mode === 0) l.length = Math.min(l.length, col);
        else if (mode === 1) for (let i = 0; i <= col && i < l.length; i++) l[i] = ' ';
        else l.length = 0;
      } else if (final === 'J') {
        const mode = Number.isNaN(n) ? 0 : n;
        if (mode === 0) ((line().length = Math.min(line().length, col)), (lines.length = row + 1));
        else if (mode >= 2) ((lines.length = 0), lines.push([]), (row = 0), (col = 0));
      } else if (final === 'H' || final === 'f') {
        const [r, c] = params!.split(';').map((x) => parseInt(x, 10) || 1);
        at((r ?? 1) - 1);
        col = Math.min(cols - 1, (c ?? 1) - 1);
      }
      continue;
    }
    if (tok.startsWith('\x1b')) continue;
    if (tok === '\r') col = 0;
    else if (tok === '\n') at(row + 1);
    else if (tok === '\b') col = Math.max(0, col - 1);
    else if (tok >= ' ') {
      if (col >= cols) (at(row + 1), (col = 0));
      const l = line();
      while (l.length < col) l.push(' ');
      l[col++] = tok;
    }
  }
  return lines.map((l) => l.join('').trimEnd()).join('\n').replace(/\n+$/, '');
}
