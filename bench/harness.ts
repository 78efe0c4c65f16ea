import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Shared pieces of `npm run bench`. Every figure is reported next to a baseline measured
 * in the same run on the same machine, as a ratio: the machines are shared and noisy, so
 * absolute times mean little and ratios travel.
 */

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = path.join(ROOT, 'bin', 'alma-users');
const RSS_WRAPPER = fileURLToPath(new URL('./rss-wrapper.js', import.meta.url));

export interface Measurement {
  seconds: number;
  /** Peak resident set size of the measured process, in MB. */
  peakRssMb: number;
}

export interface BenchResult {
  name: string;
  /** What was measured: the real thing and its baseline (ceiling), side by side. */
  subject: Measurement & { perSecond?: number };
  baseline: Measurement & { perSecond?: number };
  /** subject throughput / baseline throughput (or baseline time / subject time). */
  ratio: number;
  target: string;
  met: boolean;
  notes?: string;
}

export interface BenchContext {
  users: number;
  /** A scratch folder for this run's files; removed at the end unless --keep. */
  dir: string;
  log(message: string): void;
}

/** Runs `node [args]` as a child process and measures wall time and its peak RSS. */
export async function measureNode(args: string[], env: Record<string, string> = {}): Promise<Measurement & { stdout: string; stderr: string; code: number | null }> {
  const rssFile = path.join(os.tmpdir(), `alma-users-bench-rss-${process.pid}-${Date.now()}`);
  const started = process.hrtime.bigint();
  const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [RSS_WRAPPER, ...args], {
      env: { ...process.env, ...env, BENCH_RSS_FILE: rssFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  let peakRssMb = NaN;
  try {
    peakRssMb = Number(fs.readFileSync(rssFile, 'utf8')) / 1024;
    fs.rmSync(rssFile);
  } catch {
    // the child died before it could write; NaN says so in the report
  }
  return { ...r, seconds, peakRssMb };
}

/** The CLI as a user runs it, measured. Fails loudly: a benchmark of a failing command is worthless. */
export async function measureCli(args: string[], env: Record<string, string> = {}, okCodes = [0]): Promise<Measurement & { stdout: string }> {
  const r = await measureNode([BIN, ...args], env);
  if (!okCodes.includes(r.code ?? -1)) {
    throw new Error(`alma-users ${args.join(' ')} exited ${r.code}:\n${r.stderr.slice(-2000)}`);
  }
  return r;
}

/** Median of n runs of a measurement, for the short start-up timings. */
export async function median<T extends Measurement>(n: number, f: () => Promise<T>): Promise<T> {
  const runs: T[] = [];
  for (let i = 0; i < n; i++) runs.push(await f());
  runs.sort((a, b) => a.seconds - b.seconds);
  return runs[Math.floor(n / 2)]!;
}

export function fmtRate(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(1)}k/s` : `${n.toFixed(0)}/s`;
}
