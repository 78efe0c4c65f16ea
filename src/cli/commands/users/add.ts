import { actionOptions, optionName } from '../../../domain/jobs/action-table.js';
import { FIELD_SETTERS } from '../../../domain/jobs/one-user.js';
import { collect, type CommandDef } from '../../command.js';
import { runOneUser } from './one-user.js';

/** The update/notify actions that describe a new user: the scalar ones (no add/remove, conversion, status or letter). */
const ADD_ACTIONS = actionOptions().filter((o) => !/^--(add|remove|convert|notify|note|status|external|no-)/.test(optionName(o.flags)));

/** alma-users users add ID --first-name F --last-name L [...] */
export const add: CommandDef = {
  define(users) {
    const c = users
      .command('add <id>')
      .description("add one user, with Alma's mandatory fields (Primary Identifier, First Name, Last Name); a job of one user, undone with job undo")
      .option('--record-type <type>', 'public, staff or contact (default public)')
      .option('--account-type <type>', 'internal or external (default internal)')
      .option('--role <role[@scope]>', 'a role; without @scope (or with @INSTITUTION) institution-wide (repeatable)', collect);
    for (const s of FIELD_SETTERS) c.option(s.flags, s.help);
    for (const o of ADD_ACTIONS) c.option(o.flags, o.help);
    return c
      .option('--reason <text>', 'why: stored with the job and the change')
      .option('--dry-run', 'change nothing: show the user that would be created')
      .addHelpText('after', `
Example:
  alma-users users add 0012345 --first-name Ada --last-name Lovelace --record-type staff --user-group STAFF --email ada@example.edu --role cataloger@MAIN`);
  },

  async run(ctx, [id], opts) {
    const { prepareAdd } = await import('../../../app/users-one/prepare.js');
    const r = prepareAdd(ctx.store(), ctx.operator(), ctx.codes(), id, opts);
    return runOneUser(ctx, r, opts);
  },
};
