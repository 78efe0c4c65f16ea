import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { measureCli, measureNode, median, type BenchContext, type BenchResult } from './harness.js';

const RUNS = 7;
const EMPTY = fileURLToPath(new URL('./empty.js', import.meta.url));

/**
 * Start-up: read-only commands against node running an empty script, the median of seven
 * runs each, in the same run. Both go through rss-wrapper (bench/harness.ts), so the
 * wrapper's own cost is in both. The ratio is the command's time over node's, with the
 * issue's ceilings (1.5x for --version and users show, 1.8x for job list).
 */
export const suite = {
  name: 'startup',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const db = path.join(ctx.dir, 'startup.db');
    const env = { ALMA_USERS_DB: db, ALMA_USERS_OPERATOR: 'bench-admin' };
    await measureCli(['init', '--admin', 'bench-admin'], env);
    const node = await median(RUNS, () => measureNode([EMPTY]));
    const cases: [string, string[], number][] = [
      ['alma-users --version', ['--version'], 1.5],
      ['alma-users users show X', ['users', 'show', 'bench-admin'], 1.5],
      ['alma-users job list', ['job', 'list'], 1.8],
    ];
    const results: BenchResult[] = [];
    for (const [name, args, most] of cases) {
      const r = await median(RUNS, () => measureCli(args, env));
      const times = r.seconds / node.seconds;
      results.push({
        name,
        subject: { seconds: r.seconds, peakRssMb: r.peakRssMb },
        baseline: { seconds: node.seconds, peakRssMb: node.peakRssMb },
        ratio: times,
        target: `at most ${most}x node with an empty script (median of ${RUNS})`,
        met: times <= most,
        notes: `${(r.seconds * 1000).toFixed(0)} ms vs node ${(node.seconds * 1000).toFixed(0)} ms`,
      });
    }
    return results;
  },
};
