import type { CommandDef } from '../../command.js';

/** alma-users job cancel <id> */
export const cancel: CommandDef = {
  define: (job) =>
    job
      .command('cancel <id>')
      .description('ask a running job to stop after the bulk in flight (it ends Aborted by User)')
      .addHelpText('after', '\nExample:\n  alma-users job cancel 4k2j9x0q7m1a'),

  async run(ctx, [id]) {
    const { cancelJob } = await import('../../../app/jobs/control.js');
    const job = cancelJob(ctx.store(), ctx.operator(), id);
    ctx.info(`job ${job.id} will stop after the bulk in flight and end as Aborted by User`);
    return {
      output: {
        kind: 'report',
        json: { id: job.id, status: job.status, cancel_requested: true },
        sections: [{ kind: 'fields', fields: [['Job', job.id], ['Status', job.status], ['Cancel requested', true]] }],
      },
    };
  },
};
