import { CODE_TABLES } from '../../core/codes.js';
import type { CommandGroup } from '../command.js';

export const codesCommands: CommandGroup = {
  register(program, bind) {
    const codes = program.command('codes').description('code tables: user groups, job categories, roles, blocks, ...');
    const load = async () => import('../handlers/codes.js');

    codes
      .command('list [table]')
      .description(`list codes, of one table or all (${CODE_TABLES.join(', ')})`)
      .addHelpText('after', '\nExample:\n  alma-users codes list user_group')
      .action(bind(async () => (await load()).list));

    codes
      .command('add <table> <code> [description]')
      .description('add a code to a table (User Administrator)')
      .option('--alma-code <n>', "role: Alma's role_type number, used when importing Alma files")
      .option('--needs-parameters', 'role: refuse to add it in bulk without parameters, as Alma does')
      .option('--restricted', 'role: only a User Administrator may grant or remove it')
      .addHelpText('after', '\nExample:\n  alma-users --operator jsmith codes add user_group VISITOR "Visiting scholar"')
      .action(bind(async () => (await load()).add));

    codes
      .command('remove <table> <code>')
      .description('remove a code that no user holds (User Administrator)')
      .addHelpText('after', '\nExample:\n  alma-users --operator jsmith codes remove user_group VISITOR')
      .action(bind(async () => (await load()).remove));
  },
};
