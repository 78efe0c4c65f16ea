import type { CommandDef } from '../../command.js';
import { NO_JOB_LETTER, withSetLoadLetter } from '../job/job-letter.js';
import { changeMembers, idFileOptions } from './file-options.js';

/** alma-users set add-members <name> --from-file FILE */
export const addMembers: CommandDef = {
  define: (set) =>
    idFileOptions(set.command('add-members <name>').description('add the users of an ID file to an itemized set'), true)
      .option(...NO_JOB_LETTER)
      .addHelpText('after', '\nExample:\n  alma-users set add-members catalogers --from-file more.xlsx --sheet Patrons'),

  // Alma's Add Members to Set job: its end is told to the operator.
  async run(ctx, args, opts) {
    const started = new Date().toISOString();
    return withSetLoadLetter(ctx, opts, await changeMembers('add')(ctx, args, opts), started);
  },
};
