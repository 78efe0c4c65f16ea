import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { fmtRate, inDailyUse, measureCli, measureNode, mediansInTurns, removeStore, throughput, type BenchContext, type Measured, type BenchResult } from './harness.js';
import { POPULATION_HEADER, populationLine, writePopulationCsv } from './population.js';

const CEILING = path.join(__dirname, 'sync-ceiling.js');

/**
 * `users sync` of N users of which half changed (last name and expiry date), against the
 * raw ceilings (bench/sync-ceiling.ts) on copies of the same store and the same file in the
 * same run: `all-fields`, the same work written plainly (the target's ceiling), and
 * `known-columns`, which knows which two columns changed (printed as a second ratio). The
 * store is made by a first sync of the population (every user created EXTERNAL in profile
 * SIS), timed too. Each figure is the median of ctx.runs runs taken in turns, each on a
 * new copy of that store (in daily use: see inDailyUse). Target: at least half the all-fields ceiling's throughput, peak RSS under 300 MB.
 */

/** The population with every even user's last name and expiry date changed by the SIS. */
async function writeNextTerm(file: string, n: number): Promise<void> {
  const out = fs.createWriteStream(file);
  out.write(POPULATION_HEADER + '\n');
  for (let i = 1; i <= n; i++) {
    let line = populationLine(i);
    if (i % 2 === 0) {
      // No value of the population holds a comma, so its fields split on them.
      const f = line.split(',');
      f[2] = 'Renamed';
      f[10] = '2031-06-30';
      line = f.join(',');
    }
    if (!out.write(line + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

export const suite = {
  name: 'sync',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const first = path.join(ctx.dir, 'population.csv');
    if (!fs.existsSync(first)) await writePopulationCsv(first, ctx.users);
    const next = path.join(ctx.dir, 'sync-next-term.csv');
    await writeNextTerm(next, ctx.users);

    const db = path.join(ctx.dir, 'sync-subject.db');
    const env = { ALMA_USERS_DB: db, ALMA_USERS_OPERATOR: 'bench-admin' };
    await measureCli(['init', '--admin', 'bench-admin'], env);
    const load = await measureCli(['--quiet', '--format', 'json', 'users', 'sync', first, '--profile', 'SIS'], env);
    const loaded = JSON.parse(load.stdout) as { created: number; rejected: number };
    if (loaded.created !== ctx.users || loaded.rejected !== 0) throw new Error(`the first sync created ${loaded.created} and rejected ${loaded.rejected}`);

    // No process has the store open: its main file is complete (the last close checkpointed the WAL).
    const half = Math.floor(ctx.users / 2);
    const onCopy = async (name: string, i: number, measure: (copy: string) => Promise<Measured>) => {
      const copy = path.join(ctx.dir, `sync-${name}-${i}.db`);
      fs.copyFileSync(db, copy);
      const r = await measure(copy);
      removeStore(copy);
      if (r.code !== 0) throw new Error(`${name} failed: ${r.stderr.slice(-2000)}`);
      const out = JSON.parse(r.stdout) as { updated: number; rejected: number };
      if (out.updated !== half || out.rejected) throw new Error(`${name} updated ${out.updated} (expected ${half}), rejected ${out.rejected}`);
      return r;
    };
    const ceiling = (mode: string) => (i: number) => onCopy(mode, i, (copy) => measureNode([CEILING, mode, copy, next, 'SIS']));
    const [allFields, knownColumns, subject] = await mediansInTurns(ctx.runs, [
      ceiling('all-fields'),
      ceiling('known-columns'),
      (i) => onCopy('subject', i, async (copy) => {
        await inDailyUse({ ...env, ALMA_USERS_DB: copy });
        return measureCli(['--quiet', '--format', 'json', 'users', 'sync', next, '--profile', 'SIS'], { ...env, ALMA_USERS_DB: copy });
      }),
    ]) as [Measured, Measured, Measured];
    removeStore(db);
    fs.rmSync(next, { force: true });
    const result = throughput('users sync (CSV, half changed)', ctx.users, subject, [
      { name: 'the plain ceiling (all fields compared)', figure: allFields, min: 0.5 },
      { name: 'the two changed columns known beforehand', figure: knownColumns },
    ]);
    result.notes += `; first sync (all created) ${fmtRate(ctx.users / load.seconds)}, peak RSS ${load.peakRssMb.toFixed(0)} MB`;
    return [result];
  },
};
