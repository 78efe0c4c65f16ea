import path from 'node:path';
import { measureCli, measureNode, mediansInTurns, type BenchContext, type BenchResult, type Measured } from './harness.js';

const RUNS = 7;
/** Shell completion answers a Tab press within this (issue 13). */
const TAB_MS = 150;
const EMPTY = path.join(__dirname, 'empty.js');

interface Case {
  name: string;
  args: string[];
  /** The ceiling as a multiple of node's time; none for a Tab press, whose target is TAB_MS. */
  most?: number;
}

/**
 * Start-up: read-only commands against node running an empty script, the median of seven
 * runs each. The runs take turns (node, then each command, seven times over), so that a
 * change in the load of the shared machine falls on the baseline and the commands alike.
 * Both go through rss-wrapper (bench/harness.ts), so the wrapper's own cost is in both. The
 * ratio is the command's time over node's, with the ceilings (1.5x for --version
 * and users show, 1.8x for job list).
 */
export const suite = {
  name: 'startup',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const db = path.join(ctx.dir, 'startup.db');
    const env = { ALMA_USERS_DB: db, ALMA_USERS_OPERATOR: 'bench-admin' };
    await measureCli(['init', '--admin', 'bench-admin'], env);
    await measureCli(['set', 'create', 'bench-set'], env);
    const cases: Case[] = [
      { name: 'alma-users --version', args: ['--version'], most: 1.5 },
      { name: 'alma-users users show X', args: ['users', 'show', 'bench-admin'], most: 1.5 },
      { name: 'alma-users job list', args: ['job', 'list'], most: 1.8 },
      // A Tab press (issue 13): the hidden command the completion scripts call, with the set
      // names read from the store. Its target is absolute: a person notices a slow Tab.
      { name: 'alma-users __complete (Tab after set show)', args: ['__complete', '--', 'set', 'show', ''] },
    ];
    const [node, ...medians] = await mediansInTurns(RUNS, [() => measureNode([EMPTY]), ...cases.map((c) => () => measureCli(c.args, env))]) as [Measured, ...Measured[]];
    return cases.map(({ name, most }, j) => {
      const r = medians[j]!;
      const times = r.seconds / node.seconds;
      return {
        name,
        subject: { seconds: r.seconds, peakRssMb: r.peakRssMb },
        baseline: { seconds: node.seconds, peakRssMb: node.peakRssMb },
        ratio: times,
        target: most === undefined ? `under ${TAB_MS} ms (median of ${RUNS})` : `at most ${most}x node with an empty script (median of ${RUNS})`,
        met: most === undefined ? r.seconds * 1000 < TAB_MS : times <= most,
        notes: `${(r.seconds * 1000).toFixed(0)} ms vs node ${(node.seconds * 1000).toFixed(0)} ms`,
      };
    });
  },
};
