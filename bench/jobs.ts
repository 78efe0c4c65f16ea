import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureCli, measureNode, removeStore, throughput, type BenchContext, type BenchResult } from './harness.js';
import { copyStore, writeIdFile } from './population.js';

const CEILING = fileURLToPath(new URL('./jobs-ceiling.js', import.meta.url));
/** The engine's default bulk size (src/core/jobs/engine.ts), used by the ceiling too. */
const BULK = 2000;
const ROLE = 'license-viewer';
const EXPIRY = '2031-12-31';

/**
 * `job run update-notify` on a set of the whole population with --add-role, --status and
 * --expiry-date, full audit, against the raw ceiling of the same writes in bulks of the
 * same size (jobs-ceiling.ts), each on its own copy of the store; and the same job's
 * --dry-run against the real run.
 */
export const suite = {
  name: 'jobs',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const ids = path.join(ctx.dir, 'job-ids.txt');
    await writeIdFile(ids, ctx.users);
    const base = await copyStore(ctx, 'jobs-base');
    const env = { ALMA_USERS_DB: base, ALMA_USERS_OPERATOR: 'bench-admin' };
    await measureCli(['--quiet', 'set', 'create', 'everyone', '--from-file', ids], env);
    const subjectDb = path.join(ctx.dir, 'jobs-subject.db');
    const ceilingDb = path.join(ctx.dir, 'jobs-ceiling.db');
    fs.copyFileSync(base, subjectDb);
    fs.copyFileSync(base, ceilingDb);
    removeStore(base);

    const ceiling = await measureNode([CEILING, ceilingDb, 'everyone', String(BULK), ROLE, 'INACTIVE', EXPIRY]);
    const ceilingUsers = (JSON.parse(ceiling.stdout) as { users: number }).users;
    removeStore(ceilingDb);

    const subjectEnv = { ALMA_USERS_DB: subjectDb, ALMA_USERS_OPERATOR: 'bench-admin' };
    const args = ['--quiet', '--format', 'json', 'job', 'run', 'update-notify', '--set', 'everyone', '--add-role', ROLE, '--status', 'inactive', '--expiry-date', EXPIRY, '--yes'];
    const dry = await measureCli([...args, '--dry-run'], subjectEnv);
    const dryCounters = (JSON.parse(dry.stdout) as { counters: { changed: number } }).counters;
    const real = await measureCli(args, subjectEnv);
    const job = JSON.parse(real.stdout) as { status: string; counters: { changed: number; processed: number } };
    removeStore(subjectDb);
    if (job.counters.changed !== ctx.users || ceilingUsers !== ctx.users || dryCounters.changed !== ctx.users) {
      throw new Error(`the job changed ${job.counters.changed} (${job.status}), the dry run ${dryCounters.changed}, the ceiling ${ceilingUsers}, of ${ctx.users}`);
    }

    const rate = ctx.users / real.seconds;
    const dryRatio = real.seconds / dry.seconds;
    return [
      throughput('job run update-notify (--add-role, --status, --expiry-date, full audit)', ctx.users, real, [
        { name: `the same writes in plain better-sqlite3 (bulks of ${BULK})`, figure: ceiling, min: 0.85 },
      ]),
      {
        name: 'job run update-notify --dry-run (vs the real run)',
        subject: { seconds: dry.seconds, peakRssMb: dry.peakRssMb, perSecond: ctx.users / dry.seconds },
        baseline: { seconds: real.seconds, peakRssMb: real.peakRssMb, perSecond: rate },
        ratio: dryRatio,
        target: '>= 2 (the dry run at least twice as fast)',
        met: dryRatio >= 2,
        notes: `dry run ${dry.seconds.toFixed(1)} s, real run ${real.seconds.toFixed(1)} s, dry-run peak RSS ${dry.peakRssMb.toFixed(0)} MB`,
      },
    ];
  },
};
