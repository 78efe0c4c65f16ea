import type { CommandDef } from '../../command.js';

/** alma-users job report <id> */
export const report: CommandDef = {
  define: (job) =>
    job
      .command('report <id>')
      .description('one line per user: primary_id, outcome, what changed, letter, reason')
      .addHelpText('after', '\nExample:\n  alma-users job report 4k2j9x0q7m1a --format csv > report.csv'),

  async run(ctx, [id]) {
    const { jobReportRows } = await import('../../../app/jobs/report.js');
    return {
      output: {
        kind: 'list',
        columns: [
          { key: 'primary_id', header: 'Primary ID' }, { key: 'outcome', header: 'Outcome' }, { key: 'changes', header: 'Changes' },
          { key: 'letter', header: 'Letter' }, { key: 'reason', header: 'Reason' },
        ],
        rows: jobReportRows(ctx.store(), id),
      },
    };
  },
};
