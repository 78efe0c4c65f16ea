import type { CommandDef } from '../../command.js';
import { jobReportOutput } from './report-output.js';

/** alma-users job show <id> */
export const show: CommandDef = {
  define: (job) =>
    job
      .command('show <id>')
      .description('a job\'s report: summary, counters, per-action counts, errors and warnings by reason')
      .addHelpText('after', '\nExample:\n  alma-users job show 4k2j9x0q7m1a --format json'),

  async run(ctx, [id]) {
    const { showJob } = await import('../../../app/jobs/report.js');
    return { output: jobReportOutput(showJob(ctx.store(), id)) };
  },
};
