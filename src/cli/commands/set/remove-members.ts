import type { CommandDef } from '../../command.js';
import { changeMembers, idFileOptions } from './file-options.js';

/** alma-users set remove-members <name> --from-file FILE */
export const removeMembers: CommandDef = {
  define: (set) =>
    idFileOptions(set.command('remove-members <name>').description('remove the users of an ID file from an itemized set'), true)
      .addHelpText('after', '\nExample:\n  alma-users set remove-members catalogers --from-file leavers.csv --column "Primary Identifier"'),

  run: changeMembers('remove'),
};
