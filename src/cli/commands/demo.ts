import { lazy, type CommandGroup } from '../command.js';

export const demoCommand: CommandGroup = {
  register(program, bind) {
    program
      .command('demo')
      .description('run the main job end to end on a temporary demo store built from fixtures/')
      .option('--keep', 'keep the demo store and print where it is')
      .addHelpText('after', '\nExample:\n  npx alma-users demo')
      .action(bind(lazy(async () => (await import('../demo.js')).demo)));
  },
};
