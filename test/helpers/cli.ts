import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach } from 'vitest';
import { collect } from '../../bench/child.js';
import { run } from '../../src/cli/main.js';

export const ROOT = path.join(__dirname, '../../');
export const BIN = path.join(ROOT, 'bin', 'alma-users');
export const INTEROP = path.join(ROOT, 'fixtures', 'interop');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  cwd?: string;
  /** Whether stdout and stderr claim to be a terminal (tables, prompts, progress). */
  tty?: boolean;
  /** spawnCli only: run as this user and group (a test running as root acting as someone who may not write). */
  uid?: number;
  gid?: number;
}

/** A stream that keeps what is written to it, as a terminal or a pipe would receive it. */
export class Capture {
  text = '';
  constructor(readonly isTTY: boolean, readonly columns?: number) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

/**
 * Runs one command line in this process through `run(args, io)`, as main.ts does for a real
 * one: the given environment only (plus HOME pointing at a temporary folder), stdin from
 * `input`, no TTY unless `tty` is set. Tests where a real process is the point (signals,
 * kill -9, a closed pipe, start-up) use cliProcess.
 */
export async function cli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const tty = opts.tty ?? false;
  const stdout = new Capture(tty, tty ? 100 : undefined);
  const stderr = new Capture(tty, tty ? 100 : undefined);
  const stdin = Object.assign(Readable.from([opts.input ?? '']), { isTTY: tty });
  const env = { HOME: os.tmpdir(), TZ: process.env.TZ, ...opts.env };
  // The time zone is the process's (Node applies a change of TZ at once); each test file
  // runs in a process of its own, so this changes no other file's clock.
  const tz = process.env.TZ;
  if (opts.env && 'TZ' in opts.env) process.env.TZ = opts.env.TZ;
  try {
    const code = await run(args, { stdout, stderr, stdin, env, cwd: opts.cwd ?? ROOT });
    return { code, stdout: stdout.text, stderr: stderr.text };
  } finally {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  }
}

/**
 * The built CLI started as a separate process, as a cron script would run it: no TTY, the
 * given environment only (plus PATH and HOME pointing at a temporary folder). `child` is
 * there for tests that signal or kill it; `done` settles when it ends.
 */
export function spawnCli(args: string[], opts: CliOptions = {}): { child: ChildProcessWithoutNullStreams; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { PATH: process.env.PATH, HOME: os.tmpdir(), TZ: process.env.TZ, ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
    ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
  });
  const done = collect(child);
  child.stdin.end(opts.input ?? '');
  return { child, done };
}

/** The built CLI run to its end in a separate process (see spawnCli). */
export function cliProcess(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return spawnCli(args, opts).done;
}

/**
 * The environment for cliProcess that makes the process say `<package> loaded by <module>`
 * on stderr when a module outside that package first requires one of these packages
 * (watch-loads.cjs): read-only commands must start without zod (~130 ms on every cron
 * invocation), nanoid and the writers.
 */
export function watchLoads(packages: readonly string[]): Record<string, string> {
  return { NODE_OPTIONS: `--require=${JSON.stringify(path.join(__dirname, 'watch-loads.cjs'))}`, WATCH_LOADS: packages.join(',') };
}

export const WATCH_ZOD = watchLoads(['zod']);

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'alma-users-test-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A temporary store initialised with an administrator `admin`; `run` calls the CLI against
 * it as that operator unless the arguments name another.
 */
export async function tempStore(): Promise<{
  dir: string;
  db: string;
  run: (args: string[], opts?: CliOptions) => Promise<CliResult>;
  /** Writes a file into the store's folder and returns its path. */
  file: (name: string, content: string | Buffer) => string;
  cleanup: () => void;
}> {
  const { dir, cleanup } = tempDir();
  const db = path.join(dir, 'store.db');
  const run = (args: string[], opts: CliOptions = {}) =>
    cli(args, { ...opts, env: { ALMA_USERS_DB: db, ALMA_USERS_OPERATOR: 'admin', ...opts.env } });
  const r = await run(['init', '--admin', 'admin', '--first-name', 'Ada', '--last-name', 'Admin', '--email', 'admin@example.edu']);
  if (r.code !== 0) throw new Error(`init failed: ${r.stderr}`);
  const file = (name: string, content: string | Buffer) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, content);
    return f;
  };
  return { dir, db, run, file, cleanup };
}

/** tempStore() for one test file: every store it makes is removed after each test. */
export function tempStores(): () => ReturnType<typeof tempStore> {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    while (cleanups.length) cleanups.pop()!();
  });
  return async () => {
    const s = await tempStore();
    cleanups.push(s.cleanup);
    return s;
  };
}
