import { parseOptions, type CommandDef } from '../../command.js';
import { execute } from './execute.js';
import { NO_JOB_LETTER, withJobLetter } from './job-letter.js';

/** alma-users job resume <id> [--bulk-size N] */
export const resume: CommandDef = {
  define: (job) =>
    job
      .command('resume <id>')
      .description('finish an aborted or failed job from its checkpoint: no bulk applied twice, no letter queued twice')
      .option('--bulk-size <n>', 'users per transaction')
      .option(...NO_JOB_LETTER)
      .addHelpText('after', '\nExample:\n  alma-users job resume 4k2j9x0q7m1a'),

  async run(ctx, [id], opts) {
    const [{ resumeOptions }, { prepareResume }] = await Promise.all([import('../../../app/jobs/options.js'), import('../../../app/jobs/resume.js')]);
    const o = parseOptions(resumeOptions, opts);
    const db = ctx.store();
    const { job, prepared } = await prepareResume({ db, storePath: ctx.storePath, env: ctx.io.env, notes: ctx }, ctx.operator(), ctx.codes(), id);
    ctx.info(`resuming job ${job.id} at ${job.processed} of ${job.total} users`);
    return withJobLetter(ctx, opts, await execute(ctx, job, prepared, o.bulkSize));
  },
};
