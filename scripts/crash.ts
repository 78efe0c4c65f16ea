// npm run crash -- --trials N [--seed S]: the crash suite (test/crash) as a soak run, N
// kill -9 trials per flow instead of the test run's few; the seed replays a failed run.
import { spawnSync } from 'node:child_process';
import { packageRoot } from '../src/app/package-files.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const trials = option('trials') ?? '20';
if (!/^[1-9]\d*$/.test(trials)) {
  process.stderr.write(`--trials: expected a whole number above 0, not ${trials}\n`);
  process.exit(2);
}
const seed = option('seed');
const env = { ...process.env, CRASH_TRIALS: trials, ...(seed ? { CRASH_SEED: seed } : {}) };
// Each trial is a test of its own, within vitest's time limit however many there are.
const r = spawnSync('npx', ['vitest', 'run', 'test/crash'], { cwd: packageRoot(), env, stdio: 'inherit' });
process.exit(r.status ?? 1);
