import type { CommandResult } from '../../command.js';
import type { Context } from '../../context.js';

/**
 * After a job's report is made: the operator's "job completed" letter (app/jobs/job-letter.ts),
 * unless --no-job-letter. A letter that cannot go is a warning; the job's outcome stands.
 */
export async function withJobLetter(ctx: Context, opts: Record<string, unknown>, result: CommandResult): Promise<CommandResult> {
  const json = result.output?.kind === 'report' ? (result.output.json as { id?: unknown }) : undefined;
  if (typeof json?.id !== 'string') return result;
  const { sendJobLetterOf } = await import('../../../app/jobs/job-letter.js');
  try {
    const r = await sendJobLetterOf({ db: ctx.store(), storePath: ctx.storePath, env: ctx.io.env }, json.id, { enabled: opts.jobLetter !== false });
    if (r.status === 'sent' || r.status === 'pending' || r.status === 'suppressed') ctx.info(`job letter to ${r.recipient ?? '?'}: ${r.status}`);
    if (r.status === 'failed' || r.status === 'pending') ctx.warn(`the job letter did not go${r.problem ? `: ${r.problem}` : ''}; send it with: alma-users mail retry`);
  } catch (e) {
    ctx.warn(`the job letter could not be sent: ${(e as Error).message}`);
  }
  return result;
}
