import { BIN, measureCli, measureNode, median, type BenchContext, type BenchResult } from './harness.js';
import path from 'node:path';

const RUNS = 7;
const TARGET_MS = 250;

/**
 * Start-up: `alma-users --version` and `alma-users users show X` against `node -e 0`,
 * the median of several runs each, in the same run. Target: each under 250 ms here.
 */
export const suite = {
  name: 'startup',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const db = path.join(ctx.dir, 'startup.db');
    const env = { ALMA_USERS_DB: db, ALMA_USERS_OPERATOR: 'bench-admin' };
    await measureCli(['init', '--admin', 'bench-admin'], env);
    const node = await median(RUNS, () => measureNode(['-e', '0']));
    const cases: [string, string[]][] = [
      ['alma-users --version', ['--version']],
      ['alma-users users show X', ['users', 'show', 'bench-admin']],
    ];
    const results: BenchResult[] = [];
    for (const [name, args] of cases) {
      const r = await median(RUNS, () => measureCli(args, env));
      results.push({
        name,
        subject: { seconds: r.seconds, peakRssMb: r.peakRssMb },
        baseline: { seconds: node.seconds, peakRssMb: node.peakRssMb },
        ratio: node.seconds / r.seconds,
        target: `< ${TARGET_MS} ms (median of ${RUNS})`,
        met: r.seconds * 1000 < TARGET_MS,
        notes: `${(r.seconds * 1000).toFixed(0)} ms vs node -e 0 ${(node.seconds * 1000).toFixed(0)} ms (${BIN})`,
      });
    }
    return results;
  },
};
