import { parseOptions, type CommandDef } from '../../command.js';

/** alma-users mail discard */
export const discard: CommandDef = {
  define: (mail) =>
    mail
      .command('discard')
      .description('give up unsent letters: erase their bodies (and any password in them) and mark them discarded')
      .option('--job <id>', "only this job's letters")
      .option('--status <status>', 'pending, failed or uncertain (default: all three)')
      .addHelpText('after', '\nExample:\n  alma-users mail discard --job 01J9Z3 --status failed'),

  async run(ctx, _args, opts) {
    const app = await import('../../../app/mail/retry.js');
    const o = parseOptions(app.discardOptions, opts);
    ctx.operator(); // giving letters up is a staff user's act, as sending them is
    const n = app.discardMail(ctx.store(), o);
    ctx.info(`discarded ${n} letter(s); their bodies are erased`);
    return { output: { kind: 'report', json: { discarded: n }, sections: [{ kind: 'fields', fields: [['discarded', n]] }] } };
  },
};
