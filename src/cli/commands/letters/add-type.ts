import { collect, parseOptions, type CommandDef } from '../../command.js';

/** alma-users letters add-type <code> */
export const addType: CommandDef = {
  define: (letters) =>
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
      ].join('\n')),

  async run(ctx, [code], opts) {
    const app = await import('../../../app/letters/add-type.js');
    const o = parseOptions(app.addTypeOptions, opts);
    const value = app.notificationTypeCode(code);
    const r = await app.addNotificationType(ctx.store(), ctx.operator(), value, o);
    ctx.info(`${r.added ? 'added' : 'kept'} notification type ${value}; ${r.labelAdded ? 'added' : 'replaced'} its ${r.language} label`);
    return {
      output: {
        kind: 'report',
        json: { code: value, added: r.added, language: r.language, label_added: r.labelAdded, subject: o.subject, lines: o.line },
        sections: [{
          kind: 'fields',
          fields: [['code', value], ['added', r.added], ['language', r.language], ['label', r.labelAdded ? 'added' : 'replaced'], ['subject', o.subject]],
        }],
      },
    };
  },
};
