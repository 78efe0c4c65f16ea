import fs from 'node:fs';
import path from 'node:path';
import { inDailyUse, measureCli, measureNode, mediansInTurns, removeStore, throughput, type BenchContext, type BenchResult, type Measured } from './harness.js';
import { copyStore, writeIdFile } from './population.js';

const CEILING = path.join(__dirname, 'jobs-ceiling.js');
/** The engine's default bulk size (src/app/jobs/engine.ts), used by the ceiling too. */
const BULK = 2000;
const ROLE = 'license-viewer';
const EXPIRY = '2031-12-31';

/**
 * `job run update-notify` on a set of the whole population with --add-role, --status and
 * --expiry-date, full audit, against the raw ceiling of the same writes in bulks of the
 * same size with the members frozen as a resumable job freezes them (jobs-ceiling.ts
 * frozen), each on its own copy of the store, medians of ctx.runs runs (target: 0.85 of the
 * ceiling; the ceiling without the freeze is shown beside it); and the same job's
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
    const args = ['--quiet', '--format', 'json', 'job', 'run', 'update-notify', '--set', 'everyone', '--add-role', ROLE, '--status', 'inactive', '--expiry-date', EXPIRY, '--yes'];
    // Each run on fresh copies of the same store, the ceiling and the job in turns (the load drifts).
    let dry: Measured | undefined;
    const ceilingRun = (mode: 'frozen' | 'bare') => async (i: number) => {
      const db = path.join(ctx.dir, `jobs-ceiling-${mode}-${i}.db`);
      fs.copyFileSync(base, db);
      const r = await measureNode([CEILING, db, 'everyone', String(BULK), ROLE, 'INACTIVE', EXPIRY, mode]);
      removeStore(db);
      const users = (JSON.parse(r.stdout) as { users: number }).users;
      if (users !== ctx.users) throw new Error(`the ceiling changed ${users} of ${ctx.users}`);
      return r;
    };
    const [ceiling, bare, real] = (await mediansInTurns(ctx.runs, [
      ceilingRun('frozen'),
      ceilingRun('bare'),
      async (i) => {
        const db = path.join(ctx.dir, `jobs-subject-${i}.db`);
        fs.copyFileSync(base, db);
        const env = { ALMA_USERS_DB: db, ALMA_USERS_OPERATOR: 'bench-admin' };
        await inDailyUse(env);
        if (i === 0) {
          dry = await measureCli([...args, '--dry-run'], env);
          const changed = (JSON.parse(dry.stdout) as { counters: { changed: number } }).counters.changed;
          if (changed !== ctx.users) throw new Error(`the dry run would change ${changed} of ${ctx.users}`);
        }
        const r = await measureCli(args, env);
        removeStore(db);
        const job = JSON.parse(r.stdout) as { status: string; counters: { changed: number } };
        if (job.counters.changed !== ctx.users) throw new Error(`the job changed ${job.counters.changed} (${job.status}) of ${ctx.users}`);
        return r;
      },
    ])) as [Measured, Measured, Measured];
    removeStore(base);
    if (!dry) throw new Error('no dry run');

    const rate = ctx.users / real.seconds;
    const dryRatio = real.seconds / dry.seconds;
    return [
      throughput('job run update-notify (--add-role, --status, --expiry-date, full audit)', ctx.users, real, [
        { name: `the same writes in plain better-sqlite3 (bulks of ${BULK}), members frozen`, figure: ceiling, min: 0.85 },
        { name: 'the same without the frozen members and checkpoints', figure: bare },
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
