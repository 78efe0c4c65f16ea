import { FIELD_SETTERS } from '../../../domain/jobs/one-user.js';
import type { CommandDef } from '../../command.js';
import { withActionOptions } from '../job/action-options.js';
import { runOneUser } from './one-user.js';

/** alma-users users edit ID [fields] [actions] */
export const edit: CommandDef = {
  define(users) {
    const c = users
      .command('edit <id>')
      .description("change one user: its fields, and the update/notify job's actions; a job of one user, undone with job undo");
    for (const s of FIELD_SETTERS) c.option(s.flags, s.help);
    return withActionOptions(c)
      .option('--reason <text>', 'why: stored with the job and the change')
      .option('--dry-run', 'change nothing: show each change before -> after')
      .addHelpText('after', `
Example:
  alma-users users edit 0012345 --email ada@example.edu --expiry-date +1y --add-role license-viewer --dry-run`);
  },

  async run(ctx, [id], opts) {
    const { prepareEdit } = await import('../../../app/users-one/prepare.js');
    const r = await prepareEdit({ db: ctx.store(), storePath: ctx.storePath, env: ctx.io.env }, ctx.operator(), ctx.codes(), id, opts);
    return runOneUser(ctx, r, opts);
  },
};
