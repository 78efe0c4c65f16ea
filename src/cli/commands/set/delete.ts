import type { CommandDef } from '../../command.js';

/** alma-users set delete <name> */
export const remove: CommandDef = {
  define: (set) =>
    set
      .command('delete <name>')
      .description('delete a set (its owner or a User Administrator); refused while a job uses it')
      .addHelpText('after', '\nExample:\n  alma-users set delete "old load"'),

  async run(ctx, [name]) {
    const app = await import('../../../app/sets.js');
    const set = app.deleteSet(ctx.store(), ctx.operator(), name ?? '');
    ctx.info(`deleted set ${set.name}`);
    return {
      output: {
        kind: 'report',
        json: { id: set.id, name: set.name, deleted: true },
        sections: [{ kind: 'fields', fields: [['Name', set.name], ['Id', set.id], ['Deleted', true]] }],
      },
    };
  },
};
