import type { CommandDef } from '../../command.js';

/** alma-users config list */
export const list: CommandDef = {
  define: (config) =>
    config
      .command('list')
      .description('every setting: its value, or its default, and what it does')
      .addHelpText('after', '\nExample:\n  alma-users config list'),

  async run(ctx) {
    const app = await import('../../../app/config.js');
    const rows = app.configEntries(ctx.store());
    if (ctx.io.env.ALMA_USERS_SMTP_URL) ctx.info('ALMA_USERS_SMTP_URL is set: it overrides mail.smtp_url');
    return {
      output: {
        kind: 'list',
        columns: [{ key: 'key', header: 'Key' }, { key: 'value', header: 'Value' }, { key: 'description', header: 'Meaning' }],
        rows,
      },
    };
  },
};
