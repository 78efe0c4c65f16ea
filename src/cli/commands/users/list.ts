import { mapIterable } from '../../../domain/iterables.js';
import { ACCOUNT_TYPES, RECORD_TYPES, STATUSES } from '../../../domain/user-enums.js';
import type { CommandDef } from '../../command.js';
import { noneMatch, positiveInt, text, upperChoice } from '../../options.js';

/** alma-users users list */
export const list: CommandDef = {
  define: (users) =>
    users
      .command('list')
      .description('list users, filtered by their fields')
      .option('--user-group <code>', 'only this user group (its code in any case, or its description: staff, Undergraduate)')
      .option('--job-category <code>', 'only this job category (its code in any case, or its description)')
      .option('--status <status>', 'ACTIVE or INACTIVE')
      .option('--record-type <type>', 'PUBLIC, STAFF or CONTACT')
      .option('--account-type <type>', 'INTERNAL or EXTERNAL')
      .option('--limit <n>', 'at most N users')
      .option('--query <query>', 'only users matching this query (see README, "Query language")')
      .option('--save-set <name>', 'save the users matched as a new itemized set NAME (User Manager), reported instead of the listing')
      .addHelpText(
        'after',
        '\nExamples:\n  alma-users users list --job-category Cataloger --status ACTIVE --format csv' +
          '\n  alma-users users list --query \'user_group = "FACULTY" AND expiry_date < today+30d\'' +
          '\n  alma-users users list --user-group FACULTY --status INACTIVE --save-set inactive-faculty',
      ),

  async run(ctx, _args, opts) {
    const filter = {
      userGroup: text(opts.userGroup),
      jobCategory: text(opts.jobCategory),
      status: upperChoice('--status', opts.status, STATUSES),
      recordType: upperChoice('--record-type', opts.recordType, RECORD_TYPES),
      accountType: upperChoice('--account-type', opts.accountType, ACCOUNT_TYPES),
      limit: positiveInt('--limit', opts.limit),
      query: text(opts.query),
    };
    const empty = noneMatch('users', opts, ['--user-group', '--job-category', '--status', '--record-type', '--account-type', '--query']);
    const saveAs = text(opts.saveSet);
    if (saveAs !== undefined) return (await import('./list-save-set.js')).saveListAsSet(ctx, saveAs, filter, empty);
    const [app, rows] = await Promise.all([import('../../../app/users-list.js'), import('../../user-rows.js')]);
    const users = app.listUsers(ctx.store(), filter);
    return { output: { kind: 'list', columns: rows.USER_LIST_COLUMNS, rows: mapIterable(users, rows.userListRow), empty } };
  },
};
