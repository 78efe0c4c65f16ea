import type { CommandDef } from '../../command.js';
import { changeMembers, idFileOptions } from './file-options.js';

/** alma-users set add-members <name> --from-file FILE */
export const addMembers: CommandDef = {
  define: (set) =>
    idFileOptions(set.command('add-members <name>').description('add the users of an ID file to an itemized set'), true)
      .addHelpText('after', '\nExample:\n  alma-users set add-members catalogers --from-file more.xlsx --sheet Patrons'),

  run: changeMembers('add'),
};
