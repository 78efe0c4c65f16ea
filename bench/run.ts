import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, type BenchContext, type BenchResult } from './harness.js';

/**
 * `npm run bench [-- --users N] [--only NAME] [--keep]`: runs every suite in order and
 * writes bench/results.json. Each suite measures alma-users against a baseline in the
 * same run and reports the ratio against the issue's target.
 */

interface Suite {
  name: string;
  run(ctx: BenchContext): Promise<BenchResult[]>;
}

// Suites register here, in the order they run; each lives in bench/<name>.ts.
const SUITES: (() => Promise<Suite>)[] = [
  async () => (await import('./import.js')).suite,
  async () => (await import('./startup.js')).suite,
  async () => (await import('./sets.js')).suite,
  async () => (await import('./letters.js')).suite,
  async () => (await import('./jobs.js')).suite,
  async () => (await import('./sync.js')).suite,
  async () => (await import('./alma.js')).suite,
];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const users = Number(arg('users') ?? 1_000_000);
const only = arg('only');
const keep = process.argv.includes('--keep');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alma-users-bench-'));
const ctx: BenchContext = { users, dir, log: (m) => process.stderr.write(m + '\n') };

const results: BenchResult[] = [];
try {
  for (const load of SUITES) {
    const suite = await load();
    if (only && suite.name !== only) continue;
    ctx.log(`\n== ${suite.name} (${users.toLocaleString('en')} users)`);
    for (const r of await suite.run(ctx)) {
      results.push(r);
      ctx.log(
        `${r.met ? 'MET ' : 'MISS'} ${r.name}: ratio ${r.ratio.toFixed(2)} (target ${r.target}); ` +
          `subject ${r.subject.seconds.toFixed(2)}s, ${r.subject.peakRssMb.toFixed(0)} MB; ` +
          `baseline ${r.baseline.seconds.toFixed(2)}s${r.notes ? `; ${r.notes}` : ''}`,
      );
    }
  }
} finally {
  if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  else ctx.log(`kept ${dir}`);
}

const file = path.join(ROOT, 'bench', 'results.json');
fs.writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, users, results }, null, 2) + '\n');
ctx.log(`\nwrote ${path.relative(process.cwd(), file)}`);
