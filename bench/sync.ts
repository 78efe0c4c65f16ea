import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { fmtRate, measureCli, measureNode, type BenchContext, type BenchResult } from './harness.js';
import { POPULATION_HEADER, populationLine, writePopulationCsv } from './population.js';

const CEILING = fileURLToPath(new URL('./sync-ceiling.js', import.meta.url));

/**
 * `users sync` of N users of which half changed (last name and expiry date), against the
 * raw ceiling (bench/sync-ceiling.ts) on a copy of the same store and the same file in the
 * same run. The store is made by a first sync of the population (every user created
 * EXTERNAL in profile SIS), timed too. Target: at least half the ceiling's throughput, and
 * a peak RSS under 300 MB.
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
    const ceilingDb = path.join(ctx.dir, 'sync-ceiling.db');
    fs.copyFileSync(db, ceilingDb);
    const ceiling = await measureNode([CEILING, ceilingDb, next]);
    if (ceiling.code !== 0) throw new Error(`ceiling failed: ${ceiling.stderr.slice(-2000)}`);
    const raw = JSON.parse(ceiling.stdout) as { updated: number };

    const subject = await measureCli(['--quiet', '--format', 'json', 'users', 'sync', next, '--profile', 'SIS'], env);
    const report = JSON.parse(subject.stdout) as { updated: number; unchanged: number; rejected: number };
    const half = Math.floor(ctx.users / 2);
    if (report.updated !== half || raw.updated !== half || report.rejected !== 0) {
      throw new Error(`sync updated ${report.updated}, ceiling ${raw.updated}, expected ${half}; ${report.rejected} rejected`);
    }
    const subjectRate = ctx.users / subject.seconds;
    const ceilingRate = ctx.users / ceiling.seconds;
    const ratio = subjectRate / ceilingRate;
    for (const f of [ceilingDb, db]) for (const x of [f, `${f}-wal`, `${f}-shm`]) fs.rmSync(x, { force: true });
    fs.rmSync(next, { force: true });
    return [{
      name: 'users sync (CSV, half changed)',
      subject: { seconds: subject.seconds, peakRssMb: subject.peakRssMb, perSecond: subjectRate },
      baseline: { seconds: ceiling.seconds, peakRssMb: ceiling.peakRssMb, perSecond: ceilingRate },
      ratio,
      target: '>= 0.5 of the ceiling, peak RSS < 300 MB',
      met: ratio >= 0.5 && subject.peakRssMb < 300,
      notes: `sync ${fmtRate(subjectRate)}, ceiling ${fmtRate(ceilingRate)}, peak RSS ${subject.peakRssMb.toFixed(0)} MB; ` +
        `first sync (all created) ${fmtRate(ctx.users / load.seconds)}, peak RSS ${load.peakRssMb.toFixed(0)} MB`,
    }];
  },
};
