import { lazy, type CommandGroup } from '../command.js';

export const mailCommands: CommandGroup = {
  register(program, bind) {
    const mail = program.command('mail').description('the outbox of letters: list, send what is pending, test the transport');
    const load = async () => import('../handlers/mail.js');

    mail
      .command('list')
      .description('list letters (newest last) with their status and the server\'s last answer; bodies are never shown')
      .option('--job <id>', "only this job's letters")
      .option('--status <status>', 'pending, sending, sent, failed, suppressed, uncertain or discarded')
      .option('--limit <n>', 'at most N letters')
      .addHelpText('after', '\nExample:\n  alma-users mail list --job 01J9Z3 --status failed --format csv')
      .action(bind(lazy(async () => (await load()).list)));

    mail
      .command('retry')
      .description('send the pending letters (of one job, or all) now; --uncertain / --failed resend those on purpose')
      .option('--job <id>', "only this job's letters")
      .option('--uncertain', 'also resend letters whose delivery is unknown after a crash (the user may get them twice)')
      .option('--failed', 'also resend letters the server refused (after fixing the address or the server)')
      .addHelpText('after', `
A password letter that failed or is uncertain kept no password: --failed / --uncertain
give each of those users a new temporary password, in a new letter.

Example:
  alma-users mail retry --job 01J9Z3`)
      .action(bind(lazy(async () => (await load()).retry)));

    mail
      .command('discard')
      .description('give up unsent letters: erase their bodies (and any password in them) and mark them discarded')
      .option('--job <id>', "only this job's letters")
      .option('--status <status>', 'pending, failed or uncertain (default: all three)')
      .addHelpText('after', '\nExample:\n  alma-users mail discard --job 01J9Z3 --status failed')
      .action(bind(lazy(async () => (await load()).discard)));

    mail
      .command('test')
      .description('send one test letter through the configured transport and show the server\'s answer')
      .requiredOption('--to <address>', 'where to send it')
      .addHelpText('after', '\nExample:\n  ALMA_USERS_SMTP_URL=smtp://relay.example.edu:587 alma-users mail test --to ops@example.edu')
      .action(bind(lazy(async () => (await load()).test)));
  },
};
