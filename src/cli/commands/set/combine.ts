import { parseOptions, type CommandDef } from '../../command.js';

/** alma-users set combine <a> <b> --op and|or|not --as NAME */
export const combine: CommandDef = {
  define: (set) =>
    set
      .command('combine <a> <b>')
      .description('a new itemized set from two sets: in both (and), in either (or), in A but not B (not)')
      .requiredOption('--op <op>', 'and, or, not')
      .requiredOption('--as <name>', 'the new set')
      .option('--description <text>', 'what the set is for')
      .option('--public', 'visible to every operator')
      .addHelpText('after', '\nExample:\n  alma-users set combine faculty catalogers --op not --as faculty-not-catalogers'),

  async run(ctx, [a, b], opts) {
    const [options, app, { setReport }] = await Promise.all([
      import('../../../app/set-options.js'), import('../../../app/sets.js'), import('./set-output.js'),
    ]);
    const o = parseOptions(options.combineOptions, opts);
    const { set, members } = app.combineSets(ctx.store(), ctx.operator(), a ?? '', b ?? '', o.op, { name: o.as, description: o.description, public: o.public });
    ctx.info(`created itemized set ${set.name} (${a} ${o.op.toUpperCase()} ${b}): ${members} member(s)`);
    return setReport(set, members);
  },
};
