import type { JobRow, PreparedJob } from '../../../app/jobs/run.js';
import type { CommandResult } from '../../command.js';
import type { Context } from '../../context.js';
import { jobProgress } from '../../progress.js';
import { stopOnSignals } from '../../stop-signals.js';
import { exitForStatus, jobReportOutput } from './report-output.js';

/**
 * Runs a claimed job (job run, resume, undo) with its progress on stderr; ends with the
 * job's report and the exit code of its status. The first Ctrl-C (SIGINT, or SIGTERM)
 * stops the job after the bulk in flight; a second one records it Aborted by User and
 * ends the process at once. The job's letters are closed whatever happens.
 */
export async function execute(ctx: Context, job: JobRow, prepared: PreparedJob, bulkSize: number | undefined, notes: string[] = []): Promise<CommandResult> {
  const [{ runClaimedJob }, { jobReport }, { abortRunNow }] = await Promise.all([
    import('../../../app/jobs/run.js'), import('../../../app/jobs/report.js'), import('../../../app/jobs/abort-now.js'),
  ]);
  const db = ctx.store();
  const progress = await jobProgress(ctx, job.id);
  const resume = `alma-users job resume ${job.id}`;
  const stop = stopOnSignals({
    onFirst(sig) {
      const again = sig === 'SIGINT' ? 'Ctrl-C again to stop now' : `${sig} again to stop now`;
      const note = `stopping after the bulk in flight (${again})`;
      if (progress.shown) progress.note(note);
      else ctx.warn(`${sig}: job ${job.id} ${note}; ${resume} finishes it`);
    },
    onSecond(sig) {
      progress.stop();
      try {
        const ended = abortRunNow(db, job.id, `stopped at once by a second ${sig}; finish it with: ${resume}`);
        ctx.warn(ended
          ? `${sig} again: job ${job.id} stopped now, Aborted by User; no bulk is half done (finish it: ${resume})`
          : `${sig} again: job ${job.id} was no longer run by this process (see: alma-users job show ${job.id})`);
      } catch (e) {
        // The store could not take the write (another process held it too long): the next
        // command finds the job's process gone and marks it Aborted by System, resumable.
        ctx.warn(`${sig} again: job ${job.id} stopped now, but could not be recorded as Aborted by User (${(e as Error).message}); ${resume} finishes it`);
      }
    },
  });
  try {
    const { final, problem } = await runClaimedJob(db, job, prepared, { signal: stop.signal, onProgress: (p) => progress.job(p), bulkSize });
    progress.stop();
    ctx.info(`job ${final.id}: ${final.status}`);
    const all = problem ? [...notes, `sending stopped: ${problem}; the letters left stay pending: alma-users mail retry --job ${final.id}`] : notes;
    return { output: jobReportOutput(jobReport(db, final, all)), exit: exitForStatus(final.status) };
  } finally {
    progress.stop();
    stop.dispose();
    await prepared.letters?.close();
  }
}
