import { lazy, type CommandGroup } from '../command.js';

export const configCommands: CommandGroup = {
  register(program, bind) {
    const config = program.command('config').description('settings kept in the store: institution, mail transport, allow-list, letters');
    const load = async () => import('../handlers/config.js');

    config
      .command('list')
      .description('every setting: its value, or its default, and what it does')
      .addHelpText('after', '\nExample:\n  alma-users config list')
      .action(bind(lazy(async () => (await load()).list)));

    config
      .command('get <key>')
      .description('one setting\'s value (exit 2 when it is not set)')
      .addHelpText('after', '\nExample:\n  alma-users config get mail.allowed_emails')
      .action(bind(lazy(async () => (await load()).get)));

    config
      .command('set <key> <value>')
      .description('change a setting (User Administrator); the value is checked first')
      .addHelpText('after', [
        '', 'Examples:',
        '  alma-users config set institution.name "Example University Library"',
        "  alma-users config set mail.allowed_emails '*@example.edu,ops@lib.org'",
      ].join('\n'))
      .action(bind(lazy(async () => (await load()).set)));

    config
      .command('unset <key>')
      .description('return a setting to its default (User Administrator)')
      .addHelpText('after', '\nExample:\n  alma-users config unset mail.allowed_emails')
      .action(bind(lazy(async () => (await load()).unset)));
  },
};
