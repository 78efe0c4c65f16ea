import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmtRate, measureCli, measureNode, type BenchContext, type BenchResult } from './harness.js';
import { writePopulationCsv } from './population.js';

const CEILING = fileURLToPath(new URL('./ceiling-import.js', import.meta.url));

/**
 * `users import` of the population CSV against the raw ceiling (bench/ceiling-import.ts)
 * on the same file in the same run. Target: at least half the ceiling's throughput, and a
 * peak RSS under 300 MB (the file is streamed, never held).
 */
export const suite = {
  name: 'import',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const csv = path.join(ctx.dir, 'population.csv');
    if (!fs.existsSync(csv)) {
      ctx.log(`writing ${ctx.users.toLocaleString('en')} users to ${csv}`);
      await writePopulationCsv(csv, ctx.users);
    }
    const ceilingDb = path.join(ctx.dir, 'import-ceiling.db');
    const ceiling = await measureNode([CEILING, csv, ceilingDb]);
    if (ceiling.code !== 0) throw new Error(`ceiling failed: ${ceiling.stderr.slice(-2000)}`);

    const db = path.join(ctx.dir, 'import-subject.db');
    const env = { ALMA_USERS_DB: db, ALMA_USERS_OPERATOR: 'bench-admin' };
    await measureCli(['init', '--admin', 'bench-admin'], env);
    const subject = await measureCli(['--quiet', '--format', 'json', 'users', 'import', csv], env);
    const report = JSON.parse(subject.stdout) as { created: number; rejected: number };
    if (report.created !== ctx.users || report.rejected !== 0) {
      throw new Error(`import created ${report.created} and rejected ${report.rejected} of ${ctx.users}`);
    }
    const subjectRate = ctx.users / subject.seconds;
    const ceilingRate = ctx.users / ceiling.seconds;
    const ratio = subjectRate / ceilingRate;
    for (const f of [ceilingDb, db]) for (const x of [f, `${f}-wal`, `${f}-shm`]) fs.rmSync(x, { force: true });
    return [{
      name: 'users import (CSV)',
      subject: { seconds: subject.seconds, peakRssMb: subject.peakRssMb, perSecond: subjectRate },
      baseline: { seconds: ceiling.seconds, peakRssMb: ceiling.peakRssMb, perSecond: ceilingRate },
      ratio,
      target: '>= 0.5 of the ceiling, peak RSS < 300 MB',
      met: ratio >= 0.5 && subject.peakRssMb < 300,
      notes: `import ${fmtRate(subjectRate)}, ceiling ${fmtRate(ceilingRate)}, peak RSS ${subject.peakRssMb.toFixed(0)} MB`,
    }];
  },
};
