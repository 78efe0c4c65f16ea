import { parseOptions, type CommandDef } from '../../command.js';
import { EXIT } from '../../exit-codes.js';

/** alma-users users import <file...> */
export const importCommand: CommandDef = {
  define: (users) =>
    users
      .command('import <file...>')
      .description('create and update users from CSV, Alma JSON or Alma XML files (User Manager)')
      .option('--input-format <format>', 'csv, alma-json or alma-xml (default: from the extension, else the content)')
      .option('--dry-run', 'check and report everything, write nothing')
      .option('--add-missing-codes', "add codes the files use that the code tables lack, with the file's desc (User Administrator)")
      .addHelpText(
        'after',
        '\nExit: 0 all loaded, 3 some users rejected (the report says which and why), 2 a file unusable (nothing written).' +
          '\n\nExample:\n  alma-users --operator jsmith users import patrons.csv staff.xml --dry-run',
      ),

  async run(ctx, files, opts) {
    const [app, { MAX_REJECTIONS }] = await Promise.all([import('../../../app/users-import.js'), import('../../../app/import.js')]);
    const o = parseOptions(app.importOptions, opts);
    // Dry runs need the operator too: they report what this operator may do, rejections included.
    const { files: read, report } = await app.importFiles(ctx.store(), ctx.operator(), files, ctx.io.cwd, o);
    for (const f of read) {
      for (const w of f.warnings) ctx.warn(w);
      if (f.records === 0) ctx.info(`no users in ${f.file}`);
    }
    const counts = `${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.rejected} rejected`;
    ctx.info(o.dryRun ? `dry run, nothing was written: would be ${counts}` : `imported: ${counts}`);
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
              ['files', read.map((f) => `${f.file} (${f.format})`).join(', ')],
              ['lines read', json.lines],
              ['dry run', report.dry_run],
              ['created', report.created],
              ['updated', report.updated],
              ['unchanged', report.unchanged],
              ['rejected', report.rejected],
            ],
          },
          {
            title: 'Rejected',
            kind: 'table',
            columns: [{ key: 'where', header: 'Where' }, { key: 'primary_id', header: 'Primary ID' }, { key: 'reason', header: 'Reason' }],
            rows: report.rejections.map((r) => ({
              where: `${r.file}:${r.line ?? `record ${r.record}`}`, primary_id: r.primary_id, reason: r.reason,
            })),
          },
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
