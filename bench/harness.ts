import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { collect, type ChildResult } from './child.js';

/**
 * Shared pieces of `npm run bench`. Every figure is reported next to a baseline measured
 * in the same run on the same machine, as a ratio: the machines are shared and noisy, so
 * absolute times mean little and ratios travel.
 */

export const ROOT = path.join(__dirname, '../../');
export const BIN = path.join(ROOT, 'bin', 'alma-users');
const RSS_WRAPPER = path.join(__dirname, 'rss-wrapper.js');

/** The memory ceiling for every bulk command. */
export const MAX_RSS_MB = 300;

export interface Measurement {
  seconds: number;
  /** Peak resident set size of the measured process, in MB. */
  peakRssMb: number;
}

export type Figure = Measurement & { perSecond?: number };

/** A further baseline of the same subject, with its own named ratio. */
export interface Comparison {
  name: string;
  baseline: Figure;
  ratio: number;
  /** Absent for a baseline shown for comparison only. */
  target?: string | undefined;
  met?: boolean | undefined;
}

export interface BenchResult {
  name: string;
  /** What was measured: the real thing and its baseline (ceiling), side by side. */
  subject: Figure;
  baseline: Figure;
  /** subject throughput / baseline throughput (or baseline time / subject time). */
  ratio: number;
  target: string;
  met: boolean;
  notes?: string;
  /** Other baselines of the same subject (such as the same work into the project's own table). */
  also?: Comparison[];
  /** The machine's load average (1, 5 and 15 minutes) when the result was taken; run.ts fills it in. */
  load?: number[];
}

export interface BenchContext {
  users: number;
  /** How many times each timed process runs; its median is reported. */
  runs: number;
  /** A scratch folder for this run's files; removed at the end unless --keep. */
  dir: string;
  log(message: string): void;
}

export type Measured = Measurement & ChildResult;

/**
 * Runs `node SCRIPT [args]` as a child process through rss-wrapper (which records its peak
 * RSS) and measures its wall time. An exit code outside `okCodes` fails the bench: a
 * figure of a process that failed, baseline or subject, is worthless.
 */
export async function measureNode(args: string[], env: Record<string, string> = {}, okCodes = [0]): Promise<Measured> {
  const rssFile = path.join(os.tmpdir(), `alma-users-bench-rss-${process.pid}-${Date.now()}`);
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [RSS_WRAPPER, ...args], {
    env: { ...process.env, ...env, BENCH_RSS_FILE: rssFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const r = await collect(child);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  let peakRssMb = NaN;
  try {
    peakRssMb = Number(fs.readFileSync(rssFile, 'utf8')) / 1024;
    fs.rmSync(rssFile);
  } catch {
    // the child died before it could write; the exit code below says so
  }
  if (!okCodes.includes(r.code ?? -1)) {
    const what = args.map((a) => (a === BIN ? 'alma-users' : path.isAbsolute(a) && a.startsWith(ROOT) ? path.relative(ROOT, a) : a)).join(' ');
    throw new Error(`${what} exited ${r.code}:\n${r.stderr.slice(-2000)}`);
  }
  return { ...r, seconds, peakRssMb };
}

/** The CLI as a user runs it, measured. */
export function measureCli(args: string[], env: Record<string, string> = {}, okCodes = [0]): Promise<Measured> {
  return measureNode([BIN, ...args], env, okCodes);
}

/** The median (by time) of n runs of a measurement; `f` gets the run's number. */
export async function median<T extends Measurement>(n: number, f: (run: number) => Promise<T>): Promise<T> {
  const runs: T[] = [];
  for (let i = 0; i < n; i++) runs.push(await f(i));
  runs.sort((a, b) => a.seconds - b.seconds);
  return runs[Math.floor(n / 2)]!;
}

/**
 * The median of each of several measurements, taken in turns (a, b, c, a, b, c...) rather
 * than one after the other: a shared machine's load drifts, and turns spread the drift over
 * every series instead of loading it onto one.
 */
export async function mediansInTurns<T extends Measurement>(n: number, series: ((run: number) => Promise<T>)[]): Promise<T[]> {
  const runs: T[][] = series.map(() => []);
  for (let i = 0; i < n; i++) for (const [k, f] of series.entries()) runs[k]!.push(await f(i));
  return runs.map((r) => r.sort((a, b) => a.seconds - b.seconds)[Math.floor(n / 2)]!);
}

export function fmtRate(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(1)}k/s` : `${n.toFixed(0)}/s`;
}

/** A store file and the files beside it (WAL, shared memory, letter keys, check stamp), removed. */
export function removeStore(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-letterkeys`, `${file}-checked`]) fs.rmSync(f, { force: true });
}

/**
 * Makes a copied store one in daily use: a writing command runs on it (untimed), checks its
 * pages and vouches for the file as it leaves it (src/store/check-stamp.ts), so that the
 * timed command after it does not check them again. The first writing command after a store
 * is copied or restored pays that check, about a second per GB; the suites time the ones
 * that follow, as a library's commands follow each other on its store.
 */
export async function inDailyUse(env: Record<string, string>): Promise<void> {
  const r = await measureCli(['config', 'set', 'institution.name', 'Bench Library'], env);
  if (r.code !== 0) throw new Error(`config set failed on ${env.ALMA_USERS_DB}: ${r.stderr.slice(-500)}`);
}

/** What the bench measures a subject against: a figure, its name and the least ratio that meets the target (none: shown for comparison only). */
export interface Baseline {
  name: string;
  figure: Measurement;
  min?: number;
}

/**
 * A result of `count` items done by `subject`, against baselines doing the same items: the
 * first is the result's ratio, the others are listed beside it as named ratios. The ratio
 * is throughput over throughput; a target is met at `min` or more with a peak RSS under
 * MAX_RSS_MB.
 */
/** The first baseline is the target's: it always has its least ratio. */
export function throughput(name: string, count: number, subject: Measurement, baselines: [Baseline & { min: number }, ...Baseline[]]): BenchResult {
  const rate = (m: Measurement): Figure => ({ seconds: m.seconds, peakRssMb: m.peakRssMb, perSecond: count / m.seconds });
  const compare = (b: Baseline): Comparison => {
    const ratio = b.figure.seconds / subject.seconds;
    return {
      name: b.name, baseline: rate(b.figure), ratio,
      target: b.min === undefined ? undefined : `>= ${b.min} of ${b.name}, peak RSS < ${MAX_RSS_MB} MB`,
      met: b.min === undefined ? undefined : ratio >= b.min && subject.peakRssMb < MAX_RSS_MB,
    };
  };
  const [first, ...rest] = baselines.map(compare) as [Comparison, ...Comparison[]];
  return {
    name, subject: rate(subject), baseline: first.baseline, ratio: first.ratio, target: first.target!, met: first.met!,
    notes: [`alma-users ${fmtRate(count / subject.seconds)}`, ...baselines.map((b) => `${b.name} ${fmtRate(count / b.figure.seconds)}`)].join(', '),
    ...(rest.length ? { also: rest } : {}),
  };
}
