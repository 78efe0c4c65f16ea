import type { Command } from 'commander';
import { parseOptions, type Handler } from '../../command.js';

/**
 * The options of every command that reads an ID file (`set create`, `set add-members`,
 * `set remove-members`); app/set-files.ts checks their values.
 */
export function idFileOptions(c: Command, required: boolean): Command {
  const from = 'an ID file: plain text (one ID a line), CSV or .xlsx; - reads stdin';
  if (required) c.requiredOption('--from-file <file>', from);
  else c.option('--from-file <file>', from);
  return c
    .option('--column <name>', 'CSV or xlsx: the column holding the IDs (default: the one headed User name, Primary ID, ...)')
    .option('--sheet <name>', 'xlsx: the sheet to read (default: the first)')
    .option('--input-format <format>', 'text, csv or xlsx (default: from the extension and content)')
    .option('--fail-on-invalid', 'load nothing when any line matches no user or is not a valid ID (exit 2)');
}

/** The body of `set add-members` and `set remove-members`: the users of an ID file in or out of an itemized set. */
export function changeMembers(operation: 'add' | 'remove'): Handler {
  return async (ctx, [name], opts) => {
    const [files, { membersResult }] = await Promise.all([import('../../../app/set-files.js'), import('./members-report.js')]);
    const o = parseOptions(files.idFileOptions, opts);
    const report = await files.changeMembersFromFile(ctx.store(), ctx.operator(), name ?? '', operation, o, ctx.io);
    return membersResult(ctx, report, false);
  };
}
