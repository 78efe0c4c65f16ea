import { parseOptions, type CommandDef } from '../../command.js';
import { EXIT } from '../../exit-codes.js';
import { filesField, rejectedTable, tellFiles } from './load-report.js';

/** alma-users users import <file...> */
export const importCommand: CommandDef = {
  define: (users) =>
    users
      .command('import <file...>')
      .description('create and update users from CSV, Alma JSON or Alma XML files, loaded as given, as the Users API does (User Manager)')
      .option('--input-format <format>', 'csv, alma-json or alma-xml (default: from the extension, else the content)')
      .option('--dry-run', 'check and report everything, and list what would change for each user (before -> after); write nothing')
      .option('--preview-file <file.csv>', "with --dry-run: write every user's change to a CSV file")
      .option('--roles <mode>', "what the files' roles do to the roles a user holds: merge (add them; default) or replace (remove the roles the file does not list)")
      .option('--add-missing-codes', "add codes the files use that the code tables lack, with the file's desc (User Administrator)")
      .addHelpText(
        'after',
        '\nA column or field a record leaves empty keeps the user\'s value; users sync (SIS Synchronize) deletes it instead.' +
        '\nA new user needs First Name, Last Name and Primary Identifier (Alma\'s mandatory fields); an update may leave them out.' +
          '\nA primary ID given twice (in one file or across the files): the later record is used, and the report names the one it replaced.' +
          '\nCodes are matched ignoring case, and Alma\'s description is accepted where it names one code ("Undergraduate").' +
          '\nCSV roles: role[@scope] separated by ";"; a role without a scope (or @INSTITUTION) is institution-wide.' +
          '\nColumn names may be Alma\'s own ("Primary Identifier", "User Group"...): see docs/users.md.' +
          '\n\nExit: 0 all loaded, 3 some users rejected (the report says which and why), 2 a file unusable (nothing written).' +
          '\n\nExample:\n  alma-users --operator jsmith users import patrons.csv staff.xml --dry-run --preview-file preview.csv',
      ),

  async run(ctx, files, opts) {
    const [app, { MAX_REJECTIONS }] = await Promise.all([import('../../../app/users-import.js'), import('../../../app/import-report.js')]);
    const o = parseOptions(app.importOptions, opts);
    // Dry runs need the operator too: they report what this operator may do, rejections included.
    const { files: read, report } = await app.importFiles(ctx.store(), ctx.operator(), files, ctx.io.cwd, o);
    tellFiles(ctx, read);
    const counts = `${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.rejected} rejected`;
    ctx.info(o.dryRun ? `dry run, nothing was written: would be ${counts}` : `imported: ${counts}`);
    if (report.roles_removed) ctx.info(`${report.roles_removed} role${report.roles_removed === 1 ? '' : 's'} ${o.dryRun ? 'would be' : 'were'} removed (--roles replace)`);
    if (report.superseded) ctx.warn(`${report.superseded} record${report.superseded === 1 ? ' was' : 's were'} replaced by a later record of the same primary ID (listed under Superseded)`);
    if (o.previewFile) ctx.info(`every user's change: ${o.previewFile}`);
    if (report.rejections_not_listed) ctx.warn(`${report.rejections_not_listed} more rejections are counted but not listed (the first ${MAX_REJECTIONS} are)`);
    const json = { files: read, lines: read.reduce((n, f) => n + f.lines, 0), ...report };
    return {
      exit: report.rejected > 0 ? EXIT.partial : EXIT.ok,
      output: {
        kind: 'report',
        json,
        sections: [
          {
            kind: 'fields',
            fields: [
              ['files', filesField(read)],
              ['lines read', json.lines],
              ['dry run', report.dry_run],
              ['created', report.created],
              ['updated', report.updated],
              ['unchanged', report.unchanged],
              ['rejected', report.rejected],
              ['superseded', report.superseded],
              ['roles removed', report.roles_removed],
            ],
          },
          ...(report.dry_run
            ? [{
                title: report.samples.length < report.created + report.updated ? `Would change (the first ${report.samples.length})` : 'Would change',
                kind: 'table' as const,
                columns: [{ key: 'primary_id', header: 'Primary ID' }, { key: 'outcome', header: 'Outcome' }, { key: 'changes', header: 'Changes' }],
                rows: report.samples.map((c) => ({ primary_id: c.primary_id, outcome: `would ${c.outcome}`, changes: c.changes.join('; ') })),
              }]
            : []),
          {
            title: 'Superseded',
            kind: 'table',
            columns: [{ key: 'primary_id', header: 'Primary ID' }, { key: 'superseded', header: 'Record not used' }, { key: 'by', header: 'Replaced by' }],
            rows: report.superseded_records.map((r) => ({ ...r })),
          },
          rejectedTable(report.rejections),
          {
            title: report.dry_run ? 'Codes that would be added' : 'Codes added',
            kind: 'table',
            columns: [
              { key: 'table', header: 'Table' }, { key: 'code', header: 'Code' },
              { key: 'description', header: 'Description' }, { key: 'alma_code', header: 'Alma code' },
            ],
            rows: report.codes_added.map((c) => ({ ...c })),
          },
        ],
      },
    };
  },
};
