import type { CommandDef } from '../../command.js';

/** alma-users config get <key> */
export const get: CommandDef = {
  define: (config) =>
    config
      .command('get <key>')
      .description('one setting\'s value (exit 2 when it is not set)')
      .addHelpText('after', '\nExample:\n  alma-users config get mail.allowed_emails'),

  async run(ctx, [key = '']) {
    const app = await import('../../../app/config.js');
    const value = app.configValue(ctx.store(), key);
    return { output: { kind: 'report', json: { key, value }, sections: [{ kind: 'lines', lines: [value] }] } };
  },
};
