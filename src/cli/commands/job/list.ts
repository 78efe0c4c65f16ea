import type { CommandDef } from '../../command.js';

/** alma-users job list [--running | --history] [--limit N] */
export const list: CommandDef = {
  define: (job) =>
    job
      .command('list')
      .description('jobs, newest first: id, name, set, operator, submitted, status, progress')
      .option('--running', 'only jobs that are pending or running')
      .option('--history', 'only jobs that have ended')
      .option('--limit <n>', 'at most N jobs (default 50)')
      .addHelpText('after', '\nExample:\n  alma-users job list --running'),

  async run(ctx, _args, opts) {
    const { listJobs } = await import('../../../app/jobs/report.js');
    const rows = listJobs(ctx.store(), opts as { running?: boolean; history?: boolean; limit?: string });
    return {
      output: {
        kind: 'list',
        columns: [
          { key: 'id', header: 'Job' }, { key: 'name', header: 'Name' }, { key: 'set', header: 'Set' },
          { key: 'operator', header: 'Operator' }, { key: 'submitted', header: 'Submitted' }, { key: 'status', header: 'Status' },
          { key: 'progress', header: 'Progress' }, { key: 'processed', header: 'Processed' }, { key: 'total', header: 'Total' },
        ],
        rows,
      },
    };
  },
};
