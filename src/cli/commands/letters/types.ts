import type { CommandDef } from '../../command.js';

/** alma-users letters types */
export const types: CommandDef = {
  define: (letters) =>
    letters
      .command('types')
      .description('list the notification types, whether they carry a password, and the languages with labels')
      .addHelpText('after', '\nExample:\n  alma-users letters types'),

  async run(ctx) {
    const { notificationTypes } = await import('../../../app/letters/types.js');
    return {
      output: {
        kind: 'list',
        columns: [
          { key: 'code', header: 'Code' }, { key: 'description', header: 'Description' },
          { key: 'carries_password', header: 'Carries password' }, { key: 'languages', header: 'Languages' },
          { key: 'labels', header: 'Labels' },
        ],
        rows: await notificationTypes(ctx.store()),
      },
    };
  },
};
