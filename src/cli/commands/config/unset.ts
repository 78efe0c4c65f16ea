import type { CommandDef } from '../../command.js';

/** alma-users config unset <key> */
export const unset: CommandDef = {
  define: (config) =>
    config
      .command('unset <key>')
      .description('return a setting to its default (User Administrator)')
      .addHelpText('after', '\nExample:\n  alma-users config unset mail.allowed_emails'),

  async run(ctx, [key = '']) {
    const app = await import('../../../app/config-set.js');
    const removed = app.unsetConfigAs(ctx, key);
    ctx.info(removed ? `${key} is back to its default` : `${key} was not set; nothing changed`);
    return { output: { kind: 'report', json: { key, removed }, sections: [{ kind: 'fields', fields: [['key', key], ['removed', removed]] }] } };
  },
};
