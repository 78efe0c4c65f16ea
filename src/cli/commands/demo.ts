import { topLevel, type CommandDef } from '../command.js';

/** alma-users demo [--keep] */
export const demo: CommandDef = {
  define: (program) =>
    program
      .command('demo')
      .description('run the main job end to end on a temporary demo store built from fixtures/')
      .option('--keep', 'keep the demo store and print where it is')
      .addHelpText('after', '\nExample:\n  npx alma-users demo'),

  async run(ctx, _args, opts) {
    return (await import('../demo.js')).demo(ctx, opts.keep === true);
  },
};

export const demoCommand = topLevel(demo);
