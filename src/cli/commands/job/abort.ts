import type { CommandDef } from '../../command.js';
import { EXIT } from '../../exit-codes.js';
import { jobReportOutput } from './report-output.js';

/** alma-users job abort <id> --force */
export const abort: CommandDef = {
  define: (job) =>
    job
      .command('abort <id>')
      .description("The job's operator or a User Administrator: end a job whose process you know is dead (another host, a reused pid) as Aborted by System")
      .option('--force', 'required: you have checked that the process running the job is gone')
      .addHelpText('after', `
A job whose process died on this machine (kill -9, a crash, a reboot) is found by the next
command and marked Aborted by System on its own; abort is for what this machine cannot
see. A live job is refused: stop it with job cancel.

Example:
  alma-users job abort 4k2j9x0q7m1a --force`),

  async run(ctx, [id], opts) {
    const [{ abortJob }, { jobReport }] = await Promise.all([import('../../../app/jobs/control.js'), import('../../../app/jobs/report.js')]);
    const db = ctx.store();
    const { job, where } = abortJob(db, ctx.operator(), id, opts.force === true);
    ctx.warn(`job ${job.id} is now Aborted by System; if ${where} is in fact alive, it stops at its next bulk without finishing`);
    ctx.info(`finish it with: alma-users job resume ${job.id}`);
    return { output: jobReportOutput(jobReport(db, job)), exit: EXIT.ok };
  },
};
