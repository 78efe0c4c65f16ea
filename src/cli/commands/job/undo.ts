import path from 'node:path';
import { UsageError } from '../../../domain/errors.js';
import { parseOptions, type CommandDef } from '../../command.js';
import { confirm } from '../../confirm.js';
import { execute } from './execute.js';
import { withJobLetter } from './job-letter.js';
import { dryRunOutput } from './report-output.js';

/** How many users to restore the dry run's table names. */
const LISTED = 50;

/** alma-users job undo <id> [--dry-run] [--force] */
export const undo: CommandDef = {
  define: (job) =>
    job
      .command('undo <id>')
      .description('revert the changes a finished job made, from its audit trail; itself a job with a report')
      .option('--dry-run', 'change nothing: show what would be reverted and what conflicts')
      .option('--preview-file <file.csv>', 'with --dry-run: write every user\'s planned revert to a CSV file')
      .option('--force', 'revert also what was changed again since (conflicts)')
      .option('--reason <text>', 'why: stored with the undo job and on every change it makes')
      .option('-y, --yes', 'do not ask for confirmation on a terminal')
      .option('--no-job-letter', 'send the operator no "job completed" letter when the undo ends')
      .addHelpText('after', `
A field, role, block, note... changed again since the job (by a later job or otherwise)
is a conflict: left as it is unless --force; the job's other changes to that user are
still undone. Passwords are not restored, and letters cannot be unsent. A job that
stopped before it finished (aborted, failed) can be undone: the users it reached are
reverted, and it can no longer be resumed.

Example:
  alma-users job undo 4k2j9x0q7m1a --dry-run`),

  async run(ctx, [id], opts) {
    const [{ undoOptions }, app] = await Promise.all([import('../../../app/jobs/options.js'), import('../../../app/jobs/undo.js')]);
    const o = parseOptions(undoOptions, opts);
    if (o.previewFile && !o.dryRun) throw new UsageError('--preview-file goes with --dry-run');
    const op = ctx.operator();
    const db = ctx.store();
    const u = app.prepareUndo(db, op, ctx.codes(), id, { dryRun: o.dryRun === true, force: o.force === true });
    if (o.dryRun) {
      const file = o.previewFile ? path.resolve(ctx.io.cwd, o.previewFile) : undefined;
      const { dryRunJob } = await import('../../../app/jobs/dry-run.js');
      // The users a deletion's undo would create again: all of them named, as the purge's report names them.
      const restores: string[] = [];
      const preview = dryRunJob(db, u, file, (plan) => {
        if (plan.record === 'create' && !plan.failed) restores.push(plan.before.primary_id);
      });
      const result = dryRunOutput(preview, { set: u.original.set_name ?? '', jobLabel: `undo of job ${u.original.id}`, previewFile: file, notes: u.notes });
      if (restores.length) {
        (result.output.json as Record<string, unknown>).restores = restores;
        const more = restores.length > LISTED ? ', ... (every one: --format json or --preview-file)' : '';
        result.output.sections.push({ kind: 'lines', lines: [`would restore (${restores.length}): ${restores.slice(0, LISTED).join(', ')}${more}`] });
      }
      return result;
    }
    const count = app.checkUndoable(db, u);
    await confirm(ctx, o.yes, [
      `Undo:     job ${u.original.id}${u.original.name ? ` (${u.original.name})` : ''}, ${u.original.status}`,
      `Users:    ${count} changed by it`,
      `Force:    ${o.force ? 'yes: later changes are overwritten' : 'no: later changes are kept (conflicts)'}`,
      ...(u.unfinished ? [`Note:     it stopped before it finished; once undone it cannot be resumed`] : []),
    ], 'Run this job?');
    const job = app.submitUndo(db, u, op, o.reason);
    ctx.info(`job ${job.id} submitted: undo of job ${u.original.id}`);
    return withJobLetter(ctx, opts, await execute(ctx, job, u, undefined, u.notes));
  },
};
