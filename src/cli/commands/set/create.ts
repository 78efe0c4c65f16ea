import { UsageError } from '../../../domain/errors.js';
import { parseOptions, type CommandDef } from '../../command.js';
import { NO_JOB_LETTER, withSetLoadLetter } from '../job/job-letter.js';
import { idFileOptions } from './file-options.js';

/** alma-users set create <name> [--from-file FILE | --query QUERY] */
export const create: CommandDef = {
  define: (set) =>
    idFileOptions(
      set
        .command('create <name>')
        .description('create a set: itemized from an ID file (or empty), or logical from a query (User Manager)')
        .option('--query <query>', 'a logical set: users matching this query when the set is used (see README, "Query language")')
        .option('--description <text>', 'what the set is for')
        .option('--public', 'visible to every operator (default: private to you)'),
      false,
    ).option(...NO_JOB_LETTER).addHelpText('after', [
      '', 'Examples:',
      '  alma-users set create catalogers --from-file ids.txt',
      '  alma-users set create faculty-2027 --query \'user_group IN ("FACULTY", "STAFF") AND expiry_date < 2027-01-01\'',
      '  cut -d, -f1 export.csv | alma-users set create from-sis --from-file - --fail-on-invalid',
    ].join('\n')),

  async run(ctx, [name], opts) {
    const [files, app, out] = await Promise.all([import('../../../app/set-files.js'), import('../../../app/sets.js'), import('./set-output.js')]);
    const o = parseOptions(files.createOptions, opts);
    const op = ctx.operator();
    const db = ctx.store();
    const fileOnly = o.column ?? o.sheet ?? o.inputFormat ?? (o.failOnInvalid ? '--fail-on-invalid' : undefined);
    if (o.fromFile && o.query !== undefined) throw new UsageError('give --from-file (an itemized set) or --query (a logical set), not both');
    if (!o.fromFile && fileOnly !== undefined) throw new UsageError('--column, --sheet, --input-format and --fail-on-invalid go with --from-file');
    const details = { name: app.checkSetName(name), description: app.checkSetDescription(o.description), public: o.public };
    if (o.fromFile) {
      const started = new Date().toISOString();
      const report = await files.createSetFromFile(db, op, details, { ...o, fromFile: o.fromFile }, ctx.io);
      return withSetLoadLetter(ctx, opts, (await import('./members-report.js')).membersResult(ctx, report, true), started);
    }
    if (o.query !== undefined) {
      const { set, warnings } = app.createLogicalSet(db, op, { ...details, query: o.query });
      for (const w of warnings) ctx.warn(w);
      const members = app.countMembers(db, set);
      ctx.info(`created logical set ${set.name}: ${members} user(s) match now; it is evaluated again each time it is used`);
      return out.setReport(set, members);
    }
    const set = app.createItemizedSet(db, op, details);
    ctx.info(`created empty itemized set ${set.name}; fill it with: alma-users set add-members "${set.name}" --from-file FILE`);
    return out.setReport(set, 0);
  },
};
