import { parseOptions, type CommandDef } from '../../command.js';

/** alma-users set itemize <name> --as NAME */
export const itemize: CommandDef = {
  define: (set) =>
    set
      .command('itemize <name>')
      .description("save a logical set's current members as a new itemized set")
      .requiredOption('--as <name>', 'the new set')
      .option('--description <text>', 'what the set is for')
      .option('--public', 'visible to every operator')
      .addHelpText('after', '\nExample:\n  alma-users set itemize expiring-soon --as "expiring 2026-11-21"'),

  async run(ctx, [name], opts) {
    const [options, app, { setReport }] = await Promise.all([
      import('../../../app/set-options.js'), import('../../../app/sets.js'), import('./set-output.js'),
    ]);
    const o = parseOptions(options.newSetOptions, opts);
    const { set, source, members } = app.itemizeSet(ctx.store(), ctx.operator(), name ?? '', { name: o.as, description: o.description, public: o.public });
    ctx.info(`saved the ${members} current member(s) of ${source.name} as itemized set ${set.name}`);
    return setReport(set, members);
  },
};
