import type { CommandDef } from '../../command.js';

/** alma-users config set <key> <value> */
export const set: CommandDef = {
  define: (config) =>
    config
      .command('set <key> <value>')
      .description('change a setting (User Administrator); the value is checked first')
      .addHelpText('after', [
        '', 'Examples:',
        '  alma-users config set institution.name "Example University Library"',
        "  alma-users config set mail.allowed_emails '*@example.edu,ops@lib.org'",
      ].join('\n')),

  async run(ctx, [key = '', raw = '']) {
    const app = await import('../../../app/config-set.js');
    const value = app.setConfigAs(ctx, key, raw, ctx.io.cwd);
    ctx.info(`${key} = ${value}`);
    return { output: { kind: 'report', json: { key, value }, sections: [{ kind: 'fields', fields: [['key', key], ['value', value]] }] } };
  },
};
