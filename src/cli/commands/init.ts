import { lazy, type CommandGroup } from '../command.js';

export const initCommand: CommandGroup = {
  register(program, bind) {
    program
      .command('init')
      .description('create the store and its first operator: an internal STAFF user holding User Administrator')
      .requiredOption('--admin <id>', 'primary ID of the first operator')
      .option('--first-name <name>', "the operator's first name")
      .option('--last-name <name>', "the operator's last name")
      .option('--email <address>', "the operator's e-mail address")
      .addHelpText('after', '\nExample:\n  alma-users --db ./library.db init --admin jsmith --email jsmith@example.edu')
      .action(bind(lazy(async () => (await import('../handlers/init.js')).init)));
  },
};
