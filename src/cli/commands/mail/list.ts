import type { CommandDef } from '../../command.js';
import { choice, noneMatch, nonBlank, positiveInt } from '../../options.js';

/** alma-users mail list */
export const list: CommandDef = {
  define: (mail) =>
    mail
      .command('list')
      .description('list letters (newest last) with their status and the server\'s last answer; bodies are never shown')
      .option('--job <id>', "only this job's letters")
      .option('--status <status>', 'pending, sending, sent, failed, suppressed, uncertain or discarded')
      .option('--limit <n>', 'at most N letters')
      .addHelpText('after', '\nExample:\n  alma-users mail list --job 01J9Z3 --status failed --format csv'),

  async run(ctx, _args, opts) {
    // Read-only and frequent: its options are checked without zod.
    const app = await import('../../../app/mail/list.js');
    const filter = { job: nonBlank('--job', opts.job), status: choice('--status', opts.status, app.LETTER_STATUSES), limit: positiveInt('--limit', opts.limit) };
    const letters = app.listMail(ctx.store(), filter, ctx);
    return {
      output: {
        kind: 'list',
        columns: [
          { key: 'id', header: 'Letter' }, { key: 'job_id', header: 'Job' }, { key: 'primary_id', header: 'User' },
          { key: 'notification_type', header: 'Type' }, { key: 'recipient', header: 'To', free: true }, { key: 'status', header: 'Status' },
          { key: 'attempts', header: 'Attempts' }, { key: 'sent_at', header: 'Sent' }, { key: 'last_reply', header: 'Server reply', free: true },
          { key: 'message_id', header: 'Message-ID' },
        ],
        rows: letters,
        empty: noneMatch('letters', opts, ['--job', '--status']),
      },
    };
  },
};
