import type { CommandDef } from '../../command.js';

/** alma-users users history <id> */
export const history: CommandDef = {
  define: (users) =>
    users
      .command('history <id>')
      .description('every recorded change to a user, oldest first')
      .addHelpText('after', '\nExample:\n  alma-users users history 0012345'),

  async run(ctx, [id]) {
    const app = await import('../../../app/users-history.js');
    const { primaryId, lines, gone } = app.userHistory(ctx.store(), id ?? '');
    if (lines.length === 0) ctx.info(`no recorded changes to ${primaryId}`);
    if (gone) {
      const how = gone.job_type === 'purge' ? 'purged' : 'deleted';
      ctx.info(`${primaryId} was ${how} by job ${gone.job} at ${gone.at}; it no longer exists (job undo ${gone.job} restores it while its record is kept: purge.keep_days)`);
    }
    return {
      output: {
        kind: 'list',
        columns: [
          { key: 'at', header: 'When' }, { key: 'job', header: 'Job' }, { key: 'operator', header: 'Operator' },
          { key: 'reason', header: 'Reason' }, { key: 'change', header: 'Change (before -> after)' },
        ],
        rows: lines,
      },
    };
  },
};
