import { EXIT } from '../../exit-codes.js';
import { parseOptions, type CommandDef } from '../../command.js';

/** alma-users mail retry */
export const retry: CommandDef = {
  define: (mail) =>
    mail
      .command('retry')
      .description('send the pending letters (of one job, or all) now; --uncertain / --failed resend those on purpose')
      .option('--job <id>', "only this job's letters")
      .option('--uncertain', 'also resend letters whose delivery is unknown (a timeout, a dropped connection, a crash; the user may get them twice); a password letter gets a new password')
      .option('--failed', 'also resend letters the server refused (after fixing the address or the server)')
      .addHelpText('after', `
Without --uncertain, a letter without a password that is uncertain (the server had it and
never answered: a timeout, a dropped connection, a crash) goes once more, with the same
Message-ID, and never again on its own. A password letter is never sent twice: one that
failed or is uncertain kept no password, and --failed / --uncertain give each of those
users a new temporary password, in a new letter.

Example:
  alma-users mail retry --job 01J9Z3`),

  async run(ctx, _args, opts) {
    const app = await import('../../../app/mail/retry.js');
    const o = parseOptions(app.retryOptions, opts);
    const place = { db: ctx.store(), storePath: ctx.storePath, env: ctx.io.env, notes: ctx, operator: ctx.operator(), codes: ctx.codes() };
    const { result: r, via, uncertainPasswords } = await app.retryMail(place, o, ctx);
    if (r.halted) ctx.warn(`sending stopped: ${r.halted}; the letters not sent stay pending (fix it, then: alma-users mail retry)`);
    const again = `alma-users mail retry --uncertain${o.job ? ` --job ${o.job}` : ''}`;
    const others = r.uncertain - uncertainPasswords;
    if (others) {
      ctx.warn(`${others} letter(s) are uncertain: the server had each whole letter and never answered (a timeout, a dropped connection, a crash), ` +
        'so the user may have it, and it is not sent again on its own; a plain alma-users mail retry sends each once more with the same Message-ID, ' +
        `and only once; past that, if they did not arrive: ${again}`);
    }
    if (uncertainPasswords) {
      ctx.warn(`${uncertainPasswords} password letter(s) are uncertain, and a password is never sent twice: ` +
        `give those users a new temporary password, in a new letter, with: ${again}`);
    }
    if (r.superseded) {
      ctx.warn(`${r.superseded} password letter(s) were discarded unsent: the temporary password in each is no longer the user's ` +
        '(reset again since, or the account is no longer internal), and the newer letter, if any, carries the one that works');
    }
    ctx.info(`sent ${r.sent}, failed ${r.failed}, still pending ${r.pending}`);
    const counts = { sent: r.sent, failed: r.failed, pending: r.pending, uncertain: r.uncertain, superseded: r.superseded };
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
