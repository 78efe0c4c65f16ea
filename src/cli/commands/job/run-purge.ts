import { parseOptions, type CommandResult } from '../../command.js';
import { confirm } from '../../confirm.js';
import type { Context } from '../../context.js';
import { execute } from './execute.js';
import { withJobLetter } from './job-letter.js';
import { dryRunOutput } from './report-output.js';

/** How many purged IDs the run's report names; `job report ID` lists every one. */
const LISTED = 50;

/** `job run purge --set NAME | --due [--dry-run]`. */
export async function runPurge(ctx: Context, opts: Record<string, unknown>): Promise<CommandResult> {
  const [{ purgeOptions }, app] = await Promise.all([import('../../../app/jobs/options.js'), import('../../../app/jobs/purge.js')]);
  const o = parseOptions(purgeOptions, opts);
  const op = ctx.operator();
  const db = ctx.store();
  const r = app.preparePurge(db, op, ctx.codes(), o);
  const what = r.set ? `set ${r.set.name}` : 'users whose purge date has passed';
  if (o.dryRun) {
    const { dryRunJob } = await import('../../../app/jobs/dry-run.js');
    return dryRunOutput(dryRunJob(db, r, undefined), { set: r.set?.name ?? '(purge --due)', jobLabel: 'purge', previewFile: undefined });
  }
  const count = app.countPurge(db, r);
  await confirm(ctx, o.yes, [
    `Job:      purge of ${what} (${count} user${count === 1 ? '' : 's'} now; operators are kept)`,
    `Undo:     job undo restores them for ${app.keepDays(db)} days (purge.keep_days)`,
  ], 'Delete these users?');
  const { job, expired } = app.submitPurge(db, r, op, o);
  ctx.info(`job ${job.id} submitted: purge of ${what}`);
  if (expired > 0) ctx.info(`${expired} record(s) deleted more than ${app.keepDays(db)} days ago are no longer kept`);
  const result = await execute(ctx, job, r, o.bulkSize);
  // The report names who was purged (the records job undo restores).
  const ids = app.purgedIds(db, job.id);
  if (result.output?.kind === 'report') {
    (result.output.json as Record<string, unknown>).purged = ids;
    if (ids.length) {
      const more = ids.length > LISTED ? `, ... (every one: alma-users job report ${job.id})` : '';
      result.output.sections.push({ kind: 'lines', lines: [`purged (${ids.length}): ${ids.slice(0, LISTED).join(', ')}${more}`] });
    }
  }
  return withJobLetter(ctx, opts, result);
}
