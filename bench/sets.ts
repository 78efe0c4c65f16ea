import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmtRate, measureCli, measureNode, type BenchContext, type BenchResult } from './harness.js';
import { copyStore, writeIdFile } from './population.js';

const CEILING = fileURLToPath(new URL('./sets-ceiling.js', import.meta.url));

/** The example query, and the same query as a person would write it in SQL (sets-ceiling.ts). */
const QUERY = 'job_category = "Cataloger" AND user_group IN ("FACULTY", "STAFF") AND expiry_date < 2029-01-01';

function removeStore(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
}

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
    const ceilingDb = await copyStore(ctx, 'sets-ceiling');
    const subjectDb = await copyStore(ctx, 'sets-subject');

    const ceiling = await measureNode([CEILING, 'load', ceilingDb, ids]);
    if (ceiling.code !== 0) throw new Error(`ceiling failed: ${ceiling.stderr.slice(-2000)}`);
    const ceilingAdded = (JSON.parse(ceiling.stdout) as { added: number }).added;

    const env = { ALMA_USERS_DB: subjectDb, ALMA_USERS_OPERATOR: 'bench-admin' };
    const subject = await measureCli(['--quiet', '--format', 'json', 'set', 'create', 'bench-ids', '--from-file', ids], env);
    const report = JSON.parse(subject.stdout) as { added: number; status: string };
    if (report.added !== ctx.users || ceilingAdded !== ctx.users) {
      throw new Error(`set create added ${report.added}, the ceiling ${ceilingAdded}, of ${ctx.users} (${report.status})`);
    }
    const rate = ctx.users / subject.seconds;
    const ceilingRate = ctx.users / ceiling.seconds;
    const loadRatio = rate / ceilingRate;
    removeStore(ceilingDb);

    await measureCli(['--quiet', 'set', 'create', 'bench-query', '--query', QUERY], env);
    const run = async (how: 'hand' | 'compiled') => {
      const r = await measureNode([CEILING, 'eval', subjectDb, how, 'bench-query']);
      if (r.code !== 0) throw new Error(`eval ${how} failed: ${r.stderr.slice(-2000)}`);
      return { ...r, ...(JSON.parse(r.stdout) as { seconds: number; rows: number }), wall: r.seconds };
    };
    const hand = await run('hand');
    const compiled = await run('compiled');
    if (hand.rows !== compiled.rows) throw new Error(`the compiled query found ${compiled.rows} users, the hand-written SQL ${hand.rows}`);
    removeStore(subjectDb);

    return [
      {
        name: 'set create --from-file (1 ID a line)',
        subject: { seconds: subject.seconds, peakRssMb: subject.peakRssMb, perSecond: rate },
        baseline: { seconds: ceiling.seconds, peakRssMb: ceiling.peakRssMb, perSecond: ceilingRate },
        ratio: loadRatio,
        target: '>= 0.5 of the ceiling, peak RSS < 300 MB',
        met: loadRatio >= 0.5 && subject.peakRssMb < 300,
        notes: `set create ${fmtRate(rate)}, ceiling ${fmtRate(ceilingRate)}, peak RSS ${subject.peakRssMb.toFixed(0)} MB`,
      },
      {
        name: 'logical set evaluation (compiled query vs hand-written SQL)',
        subject: { seconds: compiled.seconds, peakRssMb: compiled.peakRssMb },
        baseline: { seconds: hand.seconds, peakRssMb: hand.peakRssMb },
        ratio: hand.seconds / compiled.seconds,
        target: '>= 0.8 of hand-written SQL',
        met: hand.seconds / compiled.seconds >= 0.8,
        notes: `${compiled.rows} members; compiled ${(compiled.seconds * 1000).toFixed(1)} ms, hand ${(hand.seconds * 1000).toFixed(1)} ms (mean of 5 SELECTs)`,
      },
    ];
  },
};
