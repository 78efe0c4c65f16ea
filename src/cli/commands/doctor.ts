import { lazy, type CommandGroup } from '../command.js';

export const doctorCommand: CommandGroup = {
  register(program, bind) {
    program
      .command('doctor')
      .description('check the store in use: location, schema version, integrity, code tables, configuration')
      .addHelpText('after', '\nExample:\n  alma-users doctor --format json')
      .action(
        bind(lazy(async () => (await import('../handlers/doctor.js')).doctor)),
      );
  },
};
