import type { JobLetterResult, SetLoadSummary } from '../../../app/jobs/job-letter.js';
import { AlmaUsersError } from '../../../domain/errors.js';
import type { CommandResult } from '../../command.js';
import type { Context } from '../../context.js';

/**
 * After a job's report is made (a job's, a set load's, a sync's): the operator's "job
 * completed" letter (app/jobs/job-letter.ts), unless --no-job-letter. A letter that cannot
 * go is a warning; the job's outcome stands.
 */
export async function withJobLetter(ctx: Context, opts: Record<string, unknown>, result: CommandResult, jobId?: string | null): Promise<CommandResult> {
  const json = result.output?.kind === 'report' ? (result.output.json as { id?: unknown }) : undefined;
  const id = jobId === undefined ? json?.id : jobId;
  if (typeof id !== 'string') return result;
  const { sendJobLetterOf } = await import('../../../app/jobs/job-letter.js');
  return told(ctx, result, () => sendJobLetterOf(place(ctx), id, { enabled: opts.jobLetter !== false }));
}

/** The letter at the end of an Add Members to Set load (`set create --from-file`, `set add-members`), whose report is the result. */
export async function withSetLoadLetter(ctx: Context, opts: Record<string, unknown>, result: CommandResult, started: string): Promise<CommandResult> {
  if (result.output?.kind !== 'report') return result;
  const report = result.output.json as SetLoadSummary;
  const { sendSetLoadLetter } = await import('../../../app/jobs/job-letter.js');
  return told(ctx, result, () => sendSetLoadLetter(place(ctx), report, ctx.operator().user.primary_id, started, { enabled: opts.jobLetter !== false }));
}

/** The option of every command whose end is told to the operator. */
export const NO_JOB_LETTER: [flags: string, help: string] = ['--no-job-letter', 'send the operator no "job completed" letter when it ends'];

const place = (ctx: Context) => ({ db: ctx.store(), storePath: ctx.storePath, env: ctx.io.env });

async function told(ctx: Context, result: CommandResult, send: () => Promise<JobLetterResult>): Promise<CommandResult> {
  try {
    const r = await send();
    if (r.status === 'sent' || r.status === 'pending' || r.status === 'suppressed') ctx.info(`job letter to ${r.recipient ?? '?'}: ${r.status}`);
    if (r.status === 'failed' || r.status === 'pending') ctx.warn(`the job letter did not go${r.problem ? `: ${r.problem}` : ''}; send it with: alma-users mail retry`);
  } catch (e) {
    const hint = e instanceof AlmaUsersError && e.hint ? ` (${e.hint})` : '';
    ctx.warn(`the job letter could not be sent: ${(e as Error).message}${hint}`);
  }
  return result;
}
