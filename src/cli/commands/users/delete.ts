import type { CommandDef } from '../../command.js';
import { runOneUser } from './one-user.js';

/** alma-users users delete ID */
export const deleteCommand: CommandDef = {
  define: (users) =>
    users
      .command('delete <id>')
      .description('delete one user; the record is kept for purge.keep_days days, so that job undo restores it')
      .option('--reason <text>', 'why: stored with the job')
      .option('--dry-run', 'change nothing')
      .option('-y, --yes', 'do not ask for confirmation on a terminal')
      .addHelpText('after', `
Example:
  alma-users users delete 0012345 --reason "duplicate of 0012346"`),

  async run(ctx, [id], opts) {
    const { prepareDelete } = await import('../../../app/users-one/prepare.js');
    const r = prepareDelete(ctx.store(), ctx.operator(), ctx.codes(), id);
    return runOneUser(ctx, r, opts, 'Delete this user?');
  },
};
