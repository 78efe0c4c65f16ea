import type { CommandGroup } from '../command.js';

export const usersCommands: CommandGroup = {
  register(program, bind) {
    const users = program.command('users').description('users: import, show, list, search, export');
    const load = async () => import('../handlers/users.js');

    users
      .command('list')
      .description('list users, filtered by their fields')
      .option('--user-group <code>', 'only this user group')
      .option('--job-category <code>', 'only this job category')
      .option('--status <status>', 'ACTIVE or INACTIVE')
      .option('--record-type <type>', 'PUBLIC, STAFF or CONTACT')
      .option('--account-type <type>', 'INTERNAL or EXTERNAL')
      .option('--limit <n>', 'at most N users')
      .addHelpText('after', '\nExample:\n  alma-users users list --job-category Cataloger --status ACTIVE --format csv')
      .action(bind(async () => (await load()).list));
  },
};
