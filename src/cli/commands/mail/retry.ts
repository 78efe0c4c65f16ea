import { EXIT } from '../../exit-codes.js';
import { parseOptions, type CommandDef } from '../../command.js';

/** alma-users mail retry */
export const retry: CommandDef = {
  define: (mail) =>
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
  alma-users mail retry --job 01J9Z3`),

  async run(ctx, _args, opts) {
    const app = await import('../../../app/mail/retry.js');
    const o = parseOptions(app.retryOptions, opts);
    const place = { db: ctx.store(), storePath: ctx.storePath, env: ctx.io.env, notes: ctx, operator: ctx.operator(), codes: ctx.codes() };
    const { result: r, via } = await app.retryMail(place, o, ctx);
    if (r.halted) ctx.warn(`sending stopped: ${r.halted}; the letters not sent stay pending (fix it, then: alma-users mail retry)`);
    if (r.uncertain) ctx.warn(`${r.uncertain} letter(s) are uncertain: a crash left them with the SMTP server unanswered; resend on purpose with: alma-users mail retry --uncertain`);
    ctx.info(`sent ${r.sent}, failed ${r.failed}, still pending ${r.pending}`);
    const counts = { sent: r.sent, failed: r.failed, pending: r.pending, uncertain: r.uncertain };
    return {
      exit: r.halted ? EXIT.failure : r.failed || r.pending || r.uncertain ? EXIT.partial : EXIT.ok,
      output: {
        kind: 'report',
        json: { transport: via, ...counts, recovered: r.recovered, halted: r.halted ?? null, failures: r.failures },
        sections: [
          { kind: 'fields', fields: [['transport', via], ...Object.entries(counts), ['stopped', r.halted]] },
          {
            title: 'Not sent', kind: 'table',
            columns: [{ key: 'primary_id', header: 'User' }, { key: 'recipient', header: 'To' }, { key: 'status', header: 'Status' }, { key: 'reply', header: 'Server reply' }],
            rows: r.failures.map((f) => ({ ...f })),
          },
        ],
      },
    };
  },
};
