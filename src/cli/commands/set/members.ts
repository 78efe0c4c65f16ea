import type { CommandDef } from '../../command.js';
// Read-only: its option is checked without zod.
import { positiveInt } from '../../options.js';

/** alma-users set members <name> [--limit N] */
export const members: CommandDef = {
  define: (set) =>
    set
      .command('members <name>')
      .description("a set's members (a logical set is evaluated now)")
      .option('--limit <n>', 'at most N users')
      .addHelpText('after', '\nExample:\n  alma-users set members catalogers --format csv > members.csv'),

  async run(ctx, [name], opts) {
    const limit = positiveInt('--limit', opts.limit);
    const [app, { mapIterable }, { USER_LIST_COLUMNS, userListRow }] = await Promise.all([
      import('../../../app/sets.js'), import('../../../domain/iterables.js'), import('../../user-rows.js'),
    ]);
    const db = ctx.store();
    const set = app.getSet(db, name ?? '', ctx.operator());
    return { output: { kind: 'list', columns: USER_LIST_COLUMNS, rows: mapIterable(app.setMembers(db, set, limit), userListRow), empty: `set ${set.name} has no members now` } };
  },
};
