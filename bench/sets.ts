import path from 'node:path';
import { inDailyUse, measureCli, measureNode, mediansInTurns, removeStore, throughput, type BenchContext, type BenchResult } from './harness.js';
import { copyStore, writeIdFile } from './population.js';

const CEILING = path.join(__dirname, 'sets-ceiling.js');

/** The example query, and the same query as a person would write it in SQL (sets-ceiling.ts). */
/** Processes of each kind the logical set's evaluation is measured in (at least). */
const EVAL_TURNS = 5;

const QUERY = 'job_category = "Cataloger" AND user_group IN ("FACULTY", "STAFF") AND expiry_date < 2029-01-01';

/**
 * `set create --from-file` of an ID file as long as the population against the raw
 * ceiling (stream into a temporary table, join, store the members: sets-ceiling.ts), each
 * on its own copy of the populated store; and a logical set's evaluation against the same
 * query written by hand.
 */
export const suite = {
  name: 'sets',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const ids = path.join(ctx.dir, 'ids.txt');
    await writeIdFile(ids, ctx.users);
    // Each run on its own copy of the populated store, the ceiling's and the command's, in
    // turns: the load of the shared machine drifts.
    const ceiling = async (i: number) => {
      const db = await copyStore(ctx, `sets-ceiling-${i}`);
      const r = await measureNode([CEILING, 'load', db, ids]);
      removeStore(db);
      const added = (JSON.parse(r.stdout) as { added: number }).added;
      if (added !== ctx.users) throw new Error(`the ceiling added ${added} of ${ctx.users}`);
      return r;
    };
    const command = async (i: number) => {
      const db = await copyStore(ctx, `sets-subject-${i}`);
      const env = { ALMA_USERS_DB: db, ALMA_USERS_OPERATOR: 'bench-admin' };
      await inDailyUse(env);
      const r = await measureCli(['--quiet', '--format', 'json', 'set', 'create', 'bench-ids', '--from-file', ids], env);
      removeStore(db);
      const report = JSON.parse(r.stdout) as { added: number; status: string };
      if (report.added !== ctx.users) throw new Error(`set create added ${report.added} of ${ctx.users} (${report.status})`);
      return r;
    };
    const [loaded, subject] = await mediansInTurns(ctx.runs, [ceiling, command]);

    const subjectDb = await copyStore(ctx, 'sets-query');
    await measureCli(['--quiet', 'set', 'create', 'bench-query', '--query', QUERY], { ALMA_USERS_DB: subjectDb, ALMA_USERS_OPERATOR: 'bench-admin' });
    const run = (how: 'hand' | 'compiled') => async () => {
      const r = await measureNode([CEILING, 'eval', subjectDb, how, 'bench-query']);
      return { ...r, ...(JSON.parse(r.stdout) as { seconds: number; rows: number }), wall: r.seconds };
    };
    // A SELECT of a few milliseconds varies more than the load does: many turns, medians.
    const [hand, compiled] = await mediansInTurns(Math.max(ctx.runs, EVAL_TURNS), [run('hand'), run('compiled')]);
    if (hand!.rows !== compiled!.rows) throw new Error(`the compiled query found ${compiled!.rows} users, the hand-written SQL ${hand!.rows}`);
    removeStore(subjectDb);

    return [
      throughput('set create --from-file (1 ID a line)', ctx.users, subject!, [{ name: 'the plain load (sets-ceiling.ts)', figure: loaded!, min: 0.7 }]),
      {
        name: 'logical set evaluation (compiled query vs hand-written SQL)',
        subject: { seconds: compiled!.seconds, peakRssMb: compiled!.peakRssMb },
        baseline: { seconds: hand!.seconds, peakRssMb: hand!.peakRssMb },
        ratio: hand!.seconds / compiled!.seconds,
        target: '>= 0.8 of hand-written SQL',
        met: hand!.seconds / compiled!.seconds >= 0.8,
        notes: `${compiled!.rows} members; compiled ${(compiled!.seconds * 1000).toFixed(1)} ms, hand ${(hand!.seconds * 1000).toFixed(1)} ms (medians of ${Math.max(ctx.runs, EVAL_TURNS)} processes in turns, each the mean of 5 SELECTs)`,
      },
    ];
  },
};
