import { lazy, type CommandGroup } from '../command.js';

export const usersCommands: CommandGroup = {
  register(program, bind) {
    const users = program.command('users').description('users: import, show, list, search, history, export');
    const load = async () => import('../handlers/users.js');

    users
      .command('import <file...>')
      .description('create and update users from CSV, Alma JSON or Alma XML files (User Manager)')
      .option('--input-format <format>', 'csv, alma-json or alma-xml (default: from the extension, else the content)')
      .option('--dry-run', 'check and report everything, write nothing')
      .option('--add-missing-codes', "add codes the files use that the code tables lack, with the file's desc (User Administrator)")
      .addHelpText(
        'after',
        '\nExit: 0 all loaded, 3 some users rejected (the report says which and why), 2 a file unusable (nothing written).' +
          '\n\nExample:\n  alma-users --operator jsmith users import patrons.csv staff.xml --dry-run',
      )
      .action(bind(lazy(async () => (await import('../handlers/users-import.js')).importUsers)));

    users
      .command('show <id>')
      .description('one user in detail; --format json gives the Alma REST user object')
      .addHelpText('after', '\nExample:\n  alma-users users show 0012345 --format json')
      .action(bind(lazy(async () => (await import('../handlers/users-show.js')).show)));

    users
      .command('list')
      .description('list users, filtered by their fields')
      .option('--user-group <code>', 'only this user group')
      .option('--job-category <code>', 'only this job category')
      .option('--status <status>', 'ACTIVE or INACTIVE')
      .option('--record-type <type>', 'PUBLIC, STAFF or CONTACT')
      .option('--account-type <type>', 'INTERNAL or EXTERNAL')
      .option('--limit <n>', 'at most N users')
      .option('--query <query>', 'only users matching this query (see README, "Query language")')
      .addHelpText(
        'after',
        '\nExamples:\n  alma-users users list --job-category Cataloger --status ACTIVE --format csv' +
          '\n  alma-users users list --query \'user_group = "FACULTY" AND expiry_date < today+30d\'',
      )
      .action(bind(lazy(async () => (await load()).list)));

    users
      .command('search <text>')
      .description("users whose field contains TEXT, ignoring case, as Alma's persistent search")
      .option('--index <index>', 'all, primary_id, name, email or identifier', 'all')
      .option('--limit <n>', 'at most N users')
      .addHelpText('after', '\nExample:\n  alma-users users search müller --index email')
      .action(bind(lazy(async () => (await load()).search)));

    users
      .command('history <id>')
      .description('every recorded change to a user, oldest first')
      .addHelpText('after', '\nExample:\n  alma-users users history 0012345')
      .action(bind(lazy(async () => (await import('../handlers/users-history.js')).history)));

    users
      .command('export')
      .description('write every user to stdout or a file, streamed')
      .option('--to <format>', 'alma-json, alma-xml, csv or ndjson (default: alma-json; see below)')
      .option('-o, --output <file>', 'write to FILE (replaced only once the export is complete) instead of stdout')
      .addHelpText(
        'after',
        '\nWithout --to, the global --format chooses too: csv -> csv, ndjson -> ndjson, json -> alma-json.' +
          '\n\nExample:\n  alma-users users export --to alma-xml -o users.xml',
      )
      .action(bind(lazy(async () => (await import('../handlers/users-export.js')).exportAll)));
  },
};
