import fs from 'node:fs';
import path from 'node:path';
import { measureCli, measureNode, mediansInTurns, removeStore, throughput, type BenchContext, type BenchResult } from './harness.js';
import { writePopulationCsv } from './population.js';

const CEILING = path.join(__dirname, 'ceiling-import.js');

/**
 * `users import` of the population CSV into a new store against its ceilings on the same
 * file in the same run (bench/ceiling-import.ts): the plain one (csv-parse into a plain
 * table, one prepared INSERT) and the same rows into the project's own users table. Each
 * is the median of ctx.runs runs, taken in turns, each run on a new store. Targets: at
 * least 0.5 of the plain ceiling and 0.8 of the own-table one, peak RSS under 300 MB (the
 * file is streamed, never held).
 */
export const suite = {
  name: 'import',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const csv = path.join(ctx.dir, 'population.csv');
    if (!fs.existsSync(csv)) {
      ctx.log(`writing ${ctx.users.toLocaleString('en')} users to ${csv}`);
      await writePopulationCsv(csv, ctx.users);
    }
    const ceiling = (mode: string) => async (i: number) => {
      const db = path.join(ctx.dir, `import-${mode}-${i}.db`);
      const r = await measureNode([CEILING, mode, csv, db]);
      removeStore(db);
      if (Number(r.stdout) !== ctx.users) throw new Error(`the ${mode} ceiling loaded ${r.stdout.trim()} of ${ctx.users}`);
      return r;
    };
    const subject = async (i: number) => {
      const db = path.join(ctx.dir, `import-subject-${i}.db`);
      const env = { ALMA_USERS_DB: db, ALMA_USERS_OPERATOR: 'bench-admin' };
      await measureCli(['init', '--admin', 'bench-admin'], env);
      const r = await measureCli(['--quiet', '--format', 'json', 'users', 'import', csv], env);
      removeStore(db);
      const report = JSON.parse(r.stdout) as { created: number; rejected: number };
      if (report.created !== ctx.users || report.rejected !== 0) {
        throw new Error(`import created ${report.created} and rejected ${report.rejected} of ${ctx.users}`);
      }
      return r;
    };
    // In turns: the load of the shared machine drifts over a run of minutes.
    const [plain, ownTable, imported] = await mediansInTurns(ctx.runs, [ceiling('plain'), ceiling('own-table'), subject]);
    return [throughput('users import (CSV)', ctx.users, imported!, [
      { name: 'the plain ceiling', figure: plain!, min: 0.5 },
      { name: 'the same load into the own table', figure: ownTable!, min: 0.8 },
    ])];
  },
};
