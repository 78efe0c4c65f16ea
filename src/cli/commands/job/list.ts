import type { CommandDef } from '../../command.js';
import { positiveInt } from '../../options.js';

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
    const { listJobs } = await import('../../../app/jobs/list.js');
    const rows = listJobs(ctx.store(), { running: opts.running === true, history: opts.history === true, limit: positiveInt('--limit', opts.limit) });
    return {
      output: {
        kind: 'list',
        columns: [
          { key: 'id', header: 'Job' }, { key: 'name', header: 'Name', free: true }, { key: 'set', header: 'Set', free: true },
          { key: 'operator', header: 'Operator' }, { key: 'submitted', header: 'Submitted' }, { key: 'status', header: 'Status' },
          { key: 'progress', header: 'Progress' }, { key: 'processed', header: 'Processed' }, { key: 'total', header: 'Total' },
        ],
        rows,
        empty: opts.running ? 'no job is pending or running' : opts.history ? 'no job has ended yet' : 'no jobs yet',
      },
    };
  },
};
