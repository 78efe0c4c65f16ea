import { EXIT } from '../../exit-codes.js';
import { parseOptions, type CommandDef } from '../../command.js';

/** alma-users mail test --to <address> */
export const test: CommandDef = {
  define: (mail) =>
    mail
      .command('test')
      .description('send one test letter through the configured transport and show the server\'s answer')
      .requiredOption('--to <address>', 'where to send it')
      .addHelpText('after', '\nExample:\n  ALMA_USERS_SMTP_URL=smtp://relay.example.edu:587 alma-users mail test --to ops@example.edu'),

  async run(ctx, _args, opts) {
    const app = await import('../../../app/mail/test-letter.js');
    const o = parseOptions(app.testLetterOptions, opts);
    const r = await app.sendTestLetter({ db: ctx.store(), storePath: ctx.storePath, env: ctx.io.env, notes: ctx }, ctx.operator(), o);
    if (r.sent) ctx.info(`sent a test letter to ${r.to}`);
    else ctx.warn(`the test letter to ${r.to} was not sent: ${r.reply}`);
    const fields: [string, unknown][] = [['transport', r.transport], ['from', r.from], ['to', r.to], ['message_id', r.message_id], ['sent', r.sent], ['reply', r.reply]];
    return {
      exit: r.sent ? EXIT.ok : EXIT.failure,
      output: { kind: 'report', json: Object.fromEntries(fields), sections: [{ kind: 'fields', fields }] },
    };
  },
};
