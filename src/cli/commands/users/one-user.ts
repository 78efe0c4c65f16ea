import type { OneUserRun } from '../../../app/users-one/prepare.js';
import type { CommandResult } from '../../command.js';
import { confirm } from '../../confirm.js';
import type { Context } from '../../context.js';
import { execute } from '../job/execute.js';

/**
 * The end every one-user command shares: --dry-run shows the planned changes (before ->
 * after) and writes nothing; otherwise the job of one member is recorded and run, and its
 * report is the output (`job undo ID` reverts it).
 */
export async function runOneUser(ctx: Context, r: OneUserRun, o: { dryRun?: unknown; yes?: unknown; reason?: unknown }, question?: string): Promise<CommandResult> {
  const { describePlan } = await import('../../../app/users-one/prepare.js');
  const changes = describePlan(r);
  const primaryId = r.plan.before.primary_id;
  if (o.dryRun === true) {
    await r.letters?.close();
    const letter = r.plan.letter && r.planner.letterType ? [`letter: ${r.planner.letterType} would be sent`] : [];
    return {
      output: {
        kind: 'report',
        json: { dry_run: true, type: r.type, primary_id: primaryId, changes: r.plan.changes, detail: r.detail ?? [], letter: letter.length > 0 },
        sections: [{ kind: 'lines', lines: [`dry run of ${r.type.replace('user-', 'users ')} ${primaryId}: nothing was changed`, ...changes.map((c) => `  ${c}`), ...letter] }],
      },
    };
  }
  let handedOver = false;
  try {
    if (question) await confirm(ctx, o.yes === true, changes.map((c) => `${primaryId}: ${c}`), question);
    const { submitOneUser } = await import('../../../app/users-one/submit.js');
    const job = submitOneUser(ctx.store(), r, ctx.operator(), typeof o.reason === 'string' ? o.reason : undefined);
    handedOver = true;
    ctx.info(`job ${job.id}: ${r.type.replace('user-', 'users ')} ${primaryId} (undo it with: alma-users job undo ${job.id})`);
    return await execute(ctx, job, r, undefined);
  } finally {
    if (!handedOver) await r.letters?.close();
  }
}
