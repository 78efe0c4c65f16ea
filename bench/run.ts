import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fmtRate, ROOT, type BenchContext, type BenchResult, type Figure } from './harness.js';

/**
 * `npm run bench [-- OPTIONS]`: runs the suites in order and writes bench/results.json.
 * Each suite measures alma-users against baselines in the same run and prints each ratio
 * beside its target and the machine's load average. `--help` lists suites and options.
 */

interface Suite {
  name: string;
  run(ctx: BenchContext): Promise<BenchResult[]>;
}

// Suites register here, in the order they run; each lives in bench/<name>.ts.
const SUITES: [string, string, () => Promise<Suite>][] = [
  ['import', 'users import of the population CSV vs csv-parse into a plain table, and into the project\'s own table', async () => (await import('./import.js')).suite],
  ['startup', 'start-up of read-only commands vs node running an empty script', async () => (await import('./startup.js')).suite],
  ['sets', 'set create --from-file vs a plain load of the same IDs; a logical set vs hand-written SQL', async () => (await import('./sets.js')).suite],
  ['letters', 'letters rendered and queued, and delivered by SMTP, vs LiquidJS and plain nodemailer', async () => (await import('./letters.js')).suite],
  ['jobs', 'job run update-notify with full audit vs the same writes in plain better-sqlite3', async () => (await import('./jobs.js')).suite],
  ['sync', 'users sync of a file with half the users changed vs plain better-sqlite3', async () => (await import('./sync.js')).suite],
  ['alma', 'alma push of 10,000 users by PUT and 100,000 by Alma\'s job against the Alma test server at 25 calls/s vs the limit', async () => (await import('./alma.js')).suite],
];

const HELP = `npm run bench [-- OPTIONS]

Measures alma-users against baselines doing the same work in the same run, and writes
bench/results.json. Builds first (npm run bench runs npm run build).

Options:
  --users N     the population's size (default 1000000)
  --runs N      how many times each timed process runs; the median is reported (default 3)
  --only NAME   run this suite only (may be given several times)
  --keep        keep the generated files (printed at the end)
  --help        this text

Suites, in the order they run:
${SUITES.map(([name, what]) => `  ${name.padEnd(9)} ${what}`).join('\n')}
`;

function usage(message: string): never {
  process.stderr.write(`bench: ${message}\n\n${HELP}`);
  process.exit(2);
}

/** The command line, checked: an unknown option or a bad number stops before anything runs. */
function options(argv: string[]): { users: number; runs: number; only: string[]; keep: boolean } {
  const o = { users: 1_000_000, runs: 3, only: [] as string[], keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => argv[++i] ?? usage(`${a} needs a value`);
    const count = () => {
      const v = value();
      if (!/^[1-9]\d*$/.test(v)) usage(`${a} takes a whole number above 0, not "${v}"`);
      return Number(v);
    };
    if (a === '--help' || a === '-h') {
      process.stdout.write(HELP);
      process.exit(0);
    } else if (a === '--users') o.users = count();
    else if (a === '--runs') o.runs = count();
    else if (a === '--keep') o.keep = true;
    else if (a === '--only') {
      const name = value();
      if (!SUITES.some(([n]) => n === name)) usage(`no suite "${name}"`);
      o.only.push(name);
    } else usage(`unknown option ${a}`);
  }
  return o;
}

const opts = options(process.argv.slice(2));
const load = () => os.loadavg().map((l) => Math.round(l * 100) / 100);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alma-users-bench-'));
const ctx: BenchContext = { users: opts.users, runs: opts.runs, dir, log: (m) => process.stderr.write(m + '\n') };
const fig = (f: Figure) => `${f.seconds.toFixed(2)} s${f.perSecond ? ` (${fmtRate(f.perSecond)})` : ''}, ${f.peakRssMb.toFixed(0)} MB`;

// Top-level await is not CommonJS: the run is one async function.
const main = async (): Promise<void> => {
  const results: BenchResult[] = [];
  ctx.log(`${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), Node.js ${process.version}, load average ${load().join(' ')}`);
  try {
    for (const [name, , suite] of SUITES) {
      if (opts.only.length && !opts.only.includes(name)) continue;
      ctx.log(`\n== ${name} (${opts.users.toLocaleString('en')} users, median of ${opts.runs})`);
      for (const r of await (await suite()).run(ctx)) {
        r.load = load();
        results.push(r);
        ctx.log(`${r.met ? 'MET ' : 'MISS'} ${r.name}: ratio ${r.ratio.toFixed(2)} (target ${r.target})`);
        ctx.log(`     alma-users ${fig(r.subject)}; baseline ${fig(r.baseline)}`);
        for (const a of r.also ?? []) {
          const verdict = a.met === undefined ? '    ' : a.met ? 'MET ' : 'MISS';
          ctx.log(`${verdict}   vs ${a.name}: ratio ${a.ratio.toFixed(2)} (${a.target ? `target ${a.target}` : 'for comparison, no target'}); ${fig(a.baseline)}`);
        }
        ctx.log(`     ${r.notes ? `${r.notes}; ` : ''}load average ${r.load.join(' ')}`);
      }
    }
  } finally {
    if (!opts.keep) fs.rmSync(dir, { recursive: true, force: true });
    else ctx.log(`kept ${dir}`);
  }

  const file = path.join(ROOT, 'bench', 'results.json');
  fs.writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, users: opts.users, runs: opts.runs, results }, null, 2) + '\n');
  ctx.log(`\nwrote ${path.relative(process.cwd(), file)}`);
};

void main();
