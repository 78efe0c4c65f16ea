import type { JobRow, PreparedJob } from '../../../app/jobs/run.js';
import type { CommandResult } from '../../command.js';
import type { Context } from '../../context.js';
import { jobProgress } from '../../progress.js';
import { exitForStatus, jobReportOutput } from './report-output.js';

/**
 * Runs a claimed job (job run, resume, undo) with its progress on a terminal and Ctrl-C
 * honoured between bulks; ends with the job's report and the exit code of its status.
 * The job's letters are closed whatever happens.
 */
export async function execute(ctx: Context, job: JobRow, prepared: PreparedJob, bulkSize: number | undefined, notes: string[] = []): Promise<CommandResult> {
  const [{ runClaimedJob }, { jobReport }] = await Promise.all([import('../../../app/jobs/run.js'), import('../../../app/jobs/report.js')]);
  const db = ctx.store();
  const progress = await jobProgress(ctx, `job ${job.id}`);
  const stop = stopOnSignals(ctx, job.id);
  try {
    const { final, problem } = await runClaimedJob(db, job, prepared, { signal: stop.signal, onProgress: (p) => progress.update(p), bulkSize });
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

/**
 * The first SIGINT or SIGTERM asks the job to stop after the bulk in flight; a second one
 * stops the process at once (the job is then found Aborted by System and can be resumed).
 */
function stopOnSignals(ctx: Context, jobId: string): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      dispose();
      process.kill(process.pid, sig);
      return;
    }
    ctx.warn(`${sig}: job ${jobId} stops after the bulk in flight (again to stop at once; alma-users job resume ${jobId} finishes it)`);
    controller.abort();
  };
  const dispose = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { signal: controller.signal, dispose };
}
