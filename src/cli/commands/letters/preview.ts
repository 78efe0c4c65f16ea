import { parseOptions, type CommandDef } from '../../command.js';

/** alma-users letters preview --type <code> --user <id> */
export const preview: CommandDef = {
  define: (letters) =>
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
      ].join('\n')),

  async run(ctx, _args, opts) {
    const app = await import('../../../app/letters/preview.js');
    const o = parseOptions(app.previewOptions, opts);
    const { user, letter, to, samplePassword, htmlFile } = await app.previewLetter(ctx.store(), o, ctx.io.cwd);
    if (!to) ctx.warn(`user ${user.primary_id} has no e-mail address: a job would skip this letter with the warning "no e-mail address"`);
    if (samplePassword) ctx.info(`the password shown, ${samplePassword}, is a sample: a job puts a new temporary password there`);
    if (htmlFile) ctx.info(`wrote the HTML part to ${htmlFile}`);
    const json = { type: o.type, primary_id: user.primary_id, to, subject: letter.subject, language: letter.language, text: letter.text, html: letter.html };
    const text = letter.text.replace(/\n+$/, '');
    if (o.text) return { output: { kind: 'report', json, sections: [{ kind: 'lines', lines: [text] }] } };
    return {
      output: {
        kind: 'report',
        json,
        sections: [
          { kind: 'fields', fields: [['type', o.type], ['user', user.primary_id], ['to', to ?? '(no e-mail address)'], ['subject', letter.subject], ['language', letter.language]] },
          ...(htmlFile ? [] : [{ kind: 'lines' as const, title: 'Text part', lines: [text] }]),
        ],
      },
    };
  },
};
