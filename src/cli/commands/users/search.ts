import { UsageError } from '../../../domain/errors.js';
import { mapIterable } from '../../../domain/iterables.js';
import { SEARCH_INDEXES } from '../../../domain/user-fields.js';
import type { CommandDef } from '../../command.js';
import { choice, positiveInt } from '../../options.js';

/** alma-users users search <text> */
export const search: CommandDef = {
  define: (users) =>
    users
      .command('search <text>')
      .description("users whose field contains TEXT, ignoring case, as Alma's persistent search")
      .option('--index <index>', 'all, primary_id, name, email or identifier', 'all')
      .option('--limit <n>', 'at most N users')
      .addHelpText('after', '\nExample:\n  alma-users users search müller --index email'),

  async run(ctx, [text], opts) {
    const index = choice('--index', opts.index, SEARCH_INDEXES) ?? 'all';
    const limit = positiveInt('--limit', opts.limit);
    if (!text?.trim()) throw new UsageError('give the text to search for', 'alma-users users search TEXT');
    const [app, rows] = await Promise.all([import('../../../app/users-search.js'), import('../../user-rows.js')]);
    const users = app.searchUsers(ctx.store(), text, index, limit);
    const empty = `no users contain ${JSON.stringify(text.trim())}${index === 'all' ? '' : ` in ${index}`}`;
    return { output: { kind: 'list', columns: rows.USER_LIST_COLUMNS, rows: mapIterable(users, rows.userListRow), empty } };
  },
};
