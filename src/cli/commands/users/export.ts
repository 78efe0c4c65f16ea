import { UsageError } from '../../../domain/errors.js';
import { parseOptions, type CommandDef } from '../../command.js';
import type { Format } from '../../output.js';

/** What the global --format means for an export when --to is not given. */
const FROM_GLOBAL: Partial<Record<Format, 'alma-json' | 'csv' | 'ndjson'>> = { json: 'alma-json', csv: 'csv', ndjson: 'ndjson' };

/** alma-users users export */
export const exportCommand: CommandDef = {
  define: (users) =>
    users
      .command('export')
      .description('write every user (or those --query matches) to stdout or a file, streamed')
      .option('--to <format>', 'alma-json, alma-xml, csv or ndjson (default: alma-json; see below)')
      .option('-o, --output <file>', 'write to FILE (replaced only once the export is complete) instead of stdout')
      .option('--query <query>', 'only users matching this query (see README, "Query language")')
      .addHelpText(
        'after',
        '\nWithout --to, the global --format chooses too: csv -> csv, ndjson -> ndjson, json -> alma-json.' +
          '\n\nExamples:\n  alma-users users export --to alma-xml -o users.xml' +
          '\n  alma-users users export --query \'user_group = "FACULTY"\' --to csv -o faculty.csv',
      ),

  async run(ctx, _args, opts) {
    const app = await import('../../../app/users-export.js');
    const o = parseOptions(app.exportOptions, opts);
    const global = ctx.options.format;
    const implied = global === undefined ? undefined : FROM_GLOBAL[global];
    if (global === 'table' && o.to === undefined) {
      throw new UsageError('an export is a file, not a table', 'choose its format: --to alma-json|alma-xml|csv|ndjson');
    }
    if (o.to !== undefined && implied !== undefined && implied !== o.to) {
      throw new UsageError(`--to ${o.to} and --format ${global} disagree`, 'give one of them');
    }
    const format = o.to ?? implied ?? 'alma-json';
    const db = ctx.store();
    const n = app.exportUsersTo(db, format, o.output ? { file: o.output, cwd: ctx.io.cwd } : { sink: ctx.io.stdout }, o.query);
    ctx.info(`exported ${n} users (${format})${o.query === undefined ? '' : ' matching --query'}${o.output ? ` to ${o.output}` : ''}`);
    return {};
  },
};
