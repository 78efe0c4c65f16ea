import type { CommandDef } from '../../command.js';
import { EXIT } from '../../exit-codes.js';
import { choice } from '../../options.js';
import { callProgress } from './call-progress.js';
import { pushOutput } from './push-output.js';

const METHODS = ['auto', 'job', 'put'] as const;

/** alma-users alma push <job> [--method auto|job|put] [--dry-run] [--keep-set] [--status] */
export const push: CommandDef = {
  define: (alma) =>
    alma
      .command('push <job>')
      .description("send a finished local job's changes to Alma: by Alma's Update/Notify Users job on a set, or by GET and PUT per user")
      .option('--method <method>', "auto (default: job when every action maps to Alma's job, else put), job or put")
      .option('--dry-run', 'the plan: method, API calls, users, time at the configured rate; no call is made')
      .option('--keep-set', "leave the itemized set in Alma after Alma's job (method job)")
      .option('--run-again', "run Alma's job though an earlier run was asked for and never answered (check Alma first)")
      .option('--status', "where the push stands (users pushed, pending, conflicts, failed; Alma's job); no call is made")
      .addHelpText('after', `
A push that stops (the daily quota, Alma unreachable, kill -9) is finished by the same
command: users already pushed are not sent again. A user changed in Alma since it was
pulled is a conflict and left alone there (method put). See docs/alma.md.

Exit: 0 every user pushed, 3 some pending (stopped: run it again), in conflict or failed,
2 bad options or the job cannot be pushed that way, 4 not the job's operator or an administrator.

Examples:
  alma-users alma push 4k2j9x0q7m1a --dry-run
  alma-users alma push 4k2j9x0q7m1a --method put`),

  async run(ctx, [job], opts) {
    const method = choice('--method', opts.method, METHODS);
    if (opts.status) {
      const { pushStatus } = await import('../../../app/alma/push.js');
      return { output: pushOutput(undefined, pushStatus(ctx.store(), job!), []) };
    }
    const { pushJob } = await import('../../../app/alma/push.js');
    const { update, progress } = await callProgress(ctx, `alma push ${job!}`);
    let r;
    try {
      r = await pushJob(ctx.store(), ctx.operator(), { env: ctx.io.env }, job!, {
        method, dryRun: opts.dryRun as boolean | undefined, keepSet: opts.keepSet as boolean | undefined, runAgain: opts.runAgain as boolean | undefined,
      }, update);
    } finally {
      progress.stop();
    }
    const lines: string[] = [];
    if (opts.dryRun) {
      lines.push('dry run: no call was made to Alma');
      return { output: pushOutput(r.plan, r.summary, lines) };
    }
    ctx.info(`push by ${r.plan.method}: ${r.plan.why}`);
    for (const n of r.plan.notes) ctx.warn(n);
    const s = r.summary;
    if (!s) {
      ctx.info(`job ${r.plan.job} changed no user: there is nothing to push`);
      return { output: pushOutput(r.plan, s, lines) };
    }
    if (r.stopped) {
      ctx.warn(`the push stopped: ${r.stopped}`);
      lines.push(`${s.users.pending} users are pending; finish the push with: alma-users alma push ${s.job}`);
    }
    const partial = s.users.pending + s.users.conflict + s.users.failed > 0;
    return { exit: partial ? EXIT.partial : EXIT.ok, output: pushOutput(undefined, s, lines) };
  },
};
