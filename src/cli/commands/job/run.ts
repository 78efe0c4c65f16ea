import path from 'node:path';
import { UsageError } from '../../../domain/errors.js';
import { isJobRunType, JOB_RUN_TYPES, jobRunTypeList, type JobRunType } from '../../../domain/jobs/job-types.js';
import { parseOptions, type CommandDef, type CommandResult, type Handler } from '../../command.js';
import type { Context } from '../../context.js';
import { confirm } from '../../confirm.js';
import { withActionOptions } from './action-options.js';
import { execute } from './execute.js';
import { withJobLetter } from './job-letter.js';
import { dryRunOutput } from './report-output.js';

/** alma-users job run update-notify --set NAME [actions...] */
export const run: CommandDef = {
  define(job) {
    const command = job
      .command('run <type>')
      .description(`run a job on a set; the type is ${JOB_RUN_TYPES.map((t) => `${t.type} (${t.help})`).join(', or ')}`)
      .option('--set <name>', 'the set of users to work on')
      .option('--due', 'purge: the users whose purge date has passed, instead of a set');
    return withActionOptions(command)
      .option('--reason <text>', 'why: stored with the job and on every change it makes')
      .option('--name <text>', 'a name for the job, shown in job list')
      .option('--dry-run', 'change and send nothing: show what would change')
      .option('--preview-file <file.csv>', 'with --dry-run: write every user\'s planned change to a CSV file')
      .option('-y, --yes', 'do not ask for confirmation on a terminal')
      .option('--no-job-letter', 'send the operator no "job completed" letter when the job ends')
      .option('--bulk-size <n>', 'users per transaction (default 2000; 200 when passwords are reset)')
      .addHelpText('after', `
Statuses: Completed Successfully, Completed with Warnings, Completed with Errors,
Completed with No Bulks, Failed, Aborted by User, Aborted by System.
Exit codes: 0 completed (successfully or no bulks), 3 with warnings or errors,
1 failed or aborted, 2 invalid parameters, 4 not permitted.

Examples:
  alma-users job run update-notify --set catalogers --add-role license-viewer --dry-run
  alma-users job run update-notify --set catalogers --add-role license-viewer@MAIN --expiry-date +18m --reason "Licence renewal" --yes
  alma-users job run update-notify --set new-staff --convert-to internal --notify NOTIFY_PASSWORD_CHANGE --yes`);
  },

  async run(ctx, [type], opts) {
    if (!isJobRunType(type)) {
      throw new UsageError(`unknown job type ${type ?? ''}`.trim(), `the job type is ${jobRunTypeList()} (to revert a job: alma-users job undo ID)`);
    }
    return RUNNERS[type](ctx, [type], opts);
  },
};

/** `job run update-notify --set NAME [actions...]`. */
async function updateNotify(ctx: Context, opts: Record<string, unknown>): Promise<CommandResult> {
  if (typeof opts.set !== 'string') throw new UsageError('job run update-notify needs --set NAME', 'the set of users to work on, e.g. --set catalogers');
  if (opts.due) throw new UsageError('--due goes with job run purge');
  const [options, params, app] = await Promise.all([
    import('../../../app/jobs/options.js'), import('../../../domain/jobs/params.js'), import('../../../app/jobs/run.js'),
  ]);
  const o = parseOptions(options.runOptions, opts);
  params.checkChoices(opts);
  if (o.previewFile && !o.dryRun) throw new UsageError('--preview-file goes with --dry-run');
  const operator = ctx.operator();
  const db = ctx.store();
  const prepared = app.prepareUpdateNotify(db, operator, ctx.codes(), o.set, opts);
  for (const role of prepared.restrictedRoles) {
    ctx.warn(`operator ${operator.user.primary_id} is a User Manager: only a User Administrator may add or remove ${role}; every user it would change gets the error "restricted account"`);
  }
  await app.openRunLetters({ db, storePath: ctx.storePath, env: ctx.io.env, notes: ctx }, prepared, operator);
  // Until the job runs with them, nothing will be sent: a dry run, a declined confirmation or
  // a refusal lets go of the transport (an SMTP pool) at once.
  let handedOver = false;
  try {
    if (o.dryRun) {
      const file = o.previewFile ? path.resolve(ctx.io.cwd, o.previewFile) : undefined;
      const { dryRunJob } = await import('../../../app/jobs/dry-run.js');
      return dryRunOutput(dryRunJob(db, prepared, file), { set: prepared.set.name, jobLabel: 'update-notify', previewFile: file });
    }
    const count = app.checkSetFree(db, prepared.set);
    await confirm(ctx, o.yes, [
      `Job:      update-notify${o.name ? ` (${o.name})` : ''}`,
      `Set:      ${prepared.set.name} (${count} member${count === 1 ? '' : 's'} now)`,
      `Actions:  ${prepared.planner.labels.join('\n          ')}`,
      ...(o.reason ? [`Reason:   ${o.reason}`] : []),
    ], 'Run this job?');
    const job = app.submitUpdateNotify(db, prepared, operator, o);
    handedOver = true;
    ctx.info(`job ${job.id} submitted: update-notify on set ${prepared.set.name}`);
    return await withJobLetter(ctx, opts, await execute(ctx, job, prepared, o.bulkSize));
  } finally {
    if (!handedOver) await prepared.letters?.close();
  }
}

/** Each job type of `job run` (domain/jobs/job-types.ts) and what runs it. */
const RUNNERS: Record<JobRunType, Handler> = {
  'update-notify': (ctx, _args, opts) => updateNotify(ctx, opts),
  purge: async (ctx, _args, opts) => (await import('./run-purge.js')).runPurge(ctx, opts),
};
