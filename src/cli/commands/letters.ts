import { collect, lazy, type CommandGroup } from '../command.js';

export const lettersCommands: CommandGroup = {
  register(program, bind) {
    const letters = program.command('letters').description('the User Notifications Letter: notification types, labels, preview');
    const load = async () => import('../handlers/letters.js');

    letters
      .command('types')
      .description('list the notification types, whether they carry a password, and the languages with labels')
      .addHelpText('after', '\nExample:\n  alma-users letters types')
      .action(bind(lazy(async () => (await load()).types)));

    letters
      .command('add-type <code>')
      .description('add a notification type and its label (User Administrator); again: replaces the label')
      .requiredOption('--subject <text>', 'the subject; may use letter variables, e.g. "{{ institution.name }}: library hours"')
      .option('--line <text>', 'a paragraph of the letter (repeatable, in order)', collect)
      .option('--description <text>', 'what the type is for (default: the subject)')
      .option('--language <code>', 'the language of this label (default: letters.default_language)')
      .addHelpText('after', [
        '', 'Example:',
        '  alma-users letters add-type LIBRARY_MOVE --subject "{{ institution.name }}: we are moving" \\',
        '    --line "From 1 March the library is at the new building." --line "Your account stays as it is."',
      ].join('\n'))
      .action(bind(lazy(async () => (await load()).addType)));

    letters
      .command('preview')
      .description('render a letter for a real user; a password is shown as a sample, never a real one; nothing is sent')
      .requiredOption('--type <code>', 'the notification type')
      .requiredOption('--user <id>', "the user whose letter to render (primary ID)")
      .option('--html <file>', 'write the HTML part to this file')
      .option('--text', 'print only the plain-text part')
      .addHelpText('after', [
        '', 'Examples:',
        '  alma-users letters preview --type NOTIFY_PASSWORD_CHANGE --user 0012345',
        '  alma-users letters preview --type GENERAL_MESSAGE --user 0012345 --html letter.html',
      ].join('\n'))
      .action(bind(lazy(async () => (await load()).preview)));
  },
};
