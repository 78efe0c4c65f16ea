import type { CommandDef } from '../../command.js';

/** alma-users set rename <name> <new-name> */
export const rename: CommandDef = {
  define: (set) =>
    set
      .command('rename <name> <new-name>')
      .description('rename a set (its owner or a User Administrator)')
      .addHelpText('after', '\nExample:\n  alma-users set rename catalogers "Catalogers 2026"'),

  async run(ctx, [name, newName]) {
    const [app, { setReport }] = await Promise.all([import('../../../app/sets.js'), import('./set-output.js')]);
    const set = app.renameSet(ctx.store(), ctx.operator(), name ?? '', newName ?? '');
    ctx.info(`renamed set ${name} to ${set.name}`);
    return setReport(set, app.countMembers(ctx.store(), set));
  },
};
