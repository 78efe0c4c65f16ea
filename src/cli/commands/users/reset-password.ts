import type { CommandDef } from '../../command.js';
import { runOneUser } from './one-user.js';

/** alma-users users reset-password ID [--notify] */
export const resetPassword: CommandDef = {
  define: (users) =>
    users
      .command('reset-password <id>')
      .description('give one user a new random password (10 characters) that must be changed at the next sign-in')
      .option('--notify', 'send it to the user in the NOTIFY_PASSWORD_CHANGE letter, the only place it goes')
      .option('--reason <text>', 'why: stored with the job and the change')
      .option('--dry-run', 'change and send nothing')
      .addHelpText('after', `
Nothing secret is printed. Without --notify nobody learns the new password: the old one
stops working (a compromised password shut out); reset again with --notify to let the
user in. External users' passwords belong to the SIS and are refused.

Example:
  alma-users users reset-password 0012345 --notify`),

  async run(ctx, [id], opts) {
    const { prepareResetPassword } = await import('../../../app/users-one/prepare.js');
    const notify = opts.notify === true;
    const r = await prepareResetPassword({ db: ctx.store(), storePath: ctx.storePath, env: ctx.io.env }, ctx.operator(), ctx.codes(), id, notify);
    if (!notify && opts.dryRun !== true) ctx.warn('without --notify nobody learns the new password: the user cannot sign in until it is reset again with --notify');
    return runOneUser(ctx, r, opts);
  },
};
