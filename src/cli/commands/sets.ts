import type { Command } from 'commander';
import { lazy, type CommandGroup } from '../command.js';

/** The options every command that reads an ID file takes. */
function fileOptions(c: Command, required: boolean): Command {
  const from = 'an ID file: plain text (one ID a line), CSV or .xlsx; - reads stdin';
  if (required) c.requiredOption('--from-file <file>', from);
  else c.option('--from-file <file>', from);
  return c
    .option('--column <name>', 'CSV or xlsx: the column holding the IDs (default: the one headed User name, Primary ID, ...)')
    .option('--sheet <name>', 'xlsx: the sheet to read (default: the first)')
    .option('--input-format <format>', 'text, csv or xlsx (default: from the extension and content)')
    .option('--fail-on-invalid', 'load nothing when any line matches no user or is not a valid ID (exit 2)');
}

export const setsCommands: CommandGroup = {
  register(program, bind) {
    const set = program.command('set').description('user sets: itemized from ID files, logical from queries; combine, itemize');
    const load = async () => import('../handlers/sets.js');

    fileOptions(
      set
        .command('create <name>')
        .description('create a set: itemized from an ID file (or empty), or logical from a query (User Manager)')
        .option('--query <query>', 'a logical set: users matching this query when the set is used (see README, "Query language")')
        .option('--description <text>', 'what the set is for')
        .option('--public', 'visible to every operator (default: private to you)'),
      false,
    )
      .addHelpText('after', [
        '', 'Examples:',
        '  alma-users set create catalogers --from-file ids.txt',
        '  alma-users set create faculty-2027 --query \'user_group IN ("FACULTY", "STAFF") AND expiry_date < 2027-01-01\'',
        '  cut -d, -f1 export.csv | alma-users set create from-sis --from-file - --fail-on-invalid',
      ].join('\n'))
      .action(bind(lazy(async () => (await load()).create)));

    fileOptions(set.command('add-members <name>').description('add the users of an ID file to an itemized set'), true)
      .addHelpText('after', '\nExample:\n  alma-users set add-members catalogers --from-file more.xlsx --sheet Patrons')
      .action(bind(lazy(async () => (await load()).addMembers)));

    fileOptions(set.command('remove-members <name>').description('remove the users of an ID file from an itemized set'), true)
      .addHelpText('after', '\nExample:\n  alma-users set remove-members catalogers --from-file leavers.csv --column "Primary Identifier"')
      .action(bind(lazy(async () => (await load()).removeMembers)));

    set
      .command('list')
      .description('list sets: by default yours and the public ones')
      .option('--mine', 'only the sets you own')
      .option('--public', 'only public sets')
      .option('--all', 'every set you may see (a User Administrator sees private sets too)')
      .addHelpText('after', '\nExample:\n  alma-users set list --mine --format json')
      .action(bind(lazy(async () => (await load()).list)));

    set
      .command('show <name>')
      .description('a set: type, owner, visibility, description, query, member count, dates')
      .addHelpText('after', '\nExample:\n  alma-users set show catalogers')
      .action(bind(lazy(async () => (await load()).show)));

    set
      .command('members <name>')
      .description("a set's members (a logical set is evaluated now)")
      .option('--limit <n>', 'at most N users')
      .addHelpText('after', '\nExample:\n  alma-users set members catalogers --format csv > members.csv')
      .action(bind(lazy(async () => (await load()).members)));

    set
      .command('rename <name> <new-name>')
      .description('rename a set (its owner or a User Administrator)')
      .addHelpText('after', '\nExample:\n  alma-users set rename catalogers "Catalogers 2026"')
      .action(bind(lazy(async () => (await load()).rename)));

    set
      .command('delete <name>')
      .description('delete a set (its owner or a User Administrator); refused while a job uses it')
      .addHelpText('after', '\nExample:\n  alma-users set delete "old load"')
      .action(bind(lazy(async () => (await load()).remove)));

    set
      .command('combine <a> <b>')
      .description('a new itemized set from two sets: in both (and), in either (or), in A but not B (not)')
      .requiredOption('--op <op>', 'and, or, not')
      .requiredOption('--as <name>', 'the new set')
      .option('--description <text>', 'what the set is for')
      .option('--public', 'visible to every operator')
      .addHelpText('after', '\nExample:\n  alma-users set combine faculty catalogers --op not --as faculty-not-catalogers')
      .action(bind(lazy(async () => (await load()).combine)));

    set
      .command('itemize <name>')
      .description("save a logical set's current members as a new itemized set")
      .requiredOption('--as <name>', 'the new set')
      .option('--description <text>', 'what the set is for')
      .option('--public', 'visible to every operator')
      .addHelpText('after', '\nExample:\n  alma-users set itemize expiring-soon --as "expiring 2026-11-21"')
      .action(bind(lazy(async () => (await load()).itemize)));
  },
};
