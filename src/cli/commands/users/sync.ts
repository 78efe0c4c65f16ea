import { parseOptions, type CommandDef } from '../../command.js';
import { EXIT } from '../../exit-codes.js';
import type { Row, Section } from '../../output.js';
import { NO_JOB_LETTER, withJobLetter } from '../job/job-letter.js';
import { filesField, rejectedTable, tellFiles } from './load-report.js';

/** Rows a table shows people; --format json carries the report's whole lists. */
const SHOWN = 100;

function table(title: string, columns: [key: string, header: string][], rows: Row[], more: number): Section[] {
  return shown({ title, kind: 'table', columns: columns.map(([key, header]) => ({ key, header })), rows }, more);
}

/** The first SHOWN rows of a table, and how many more there are (`more`: those the report only counted). */
function shown(t: Section & { kind: 'table' }, more: number): Section[] {
  const hidden = Math.max(0, t.rows.length - SHOWN) + more;
  return [
    { ...t, rows: t.rows.slice(0, SHOWN) },
    ...(hidden > 0 ? [{ kind: 'lines' as const, lines: [`… and ${hidden} more (see --format json, job report, users history)`] }] : []),
  ];
}

const text = (v: unknown) => (v === null || v === undefined ? '(empty)' : Array.isArray(v) ? v.join(', ') : String(v));

/** alma-users users sync <file...> --profile NAME */
export const sync: CommandDef = {
  define: (users) =>
    users
      .command('sync <file...>')
      .description("Alma's SIS Synchronize: update the external users of a SIS profile from its files; a job (User Manager)")
      .option('--profile <name>', 'the SIS profile: the external_id of the users this sync owns, and of those it creates')
      .option('--override <fields>', 'protected fields (comma-separated) to take from the files even where changed in alma-users')
      .option('--missing <what>', 'users of the profile the files no longer list: report (default) or deactivate (set INACTIVE)')
      .option('--input-format <format>', 'csv, alma-json or alma-xml (default: from the extension, else the content; .zip: SIS XML files)')
      .option('--dry-run', 'check and report everything, write nothing (no job is recorded)')
      .option('--reason <text>', 'why: stored with the job and on every change it makes')
      .option(...NO_JOB_LETTER)
      .addHelpText('after', `
Only EXTERNAL users whose external_id is the profile are changed: a record for an INTERNAL
user is rejected ("User is not external") and the user left exactly as it was. Core fields
take the file's values, and a field the record leaves empty is deleted (unlike users
import, which keeps it). Protected fields (user_group, job_category, preferred_language,
campus_code, rs_libraries, user_title, pref_*_name, cataloger_level) changed in alma-users
since the last sync are kept, unless --override names them. External entries of
identifiers, addresses, e-mails, phones, notes, blocks and statistics are replaced; Internal
ones stay. Roles are never touched. Nothing is deleted; job undo reverts a sync.

Exit: 0 all synchronized, 3 some records rejected (the report says which and why), 2 a file
unusable (nothing written). See docs/sync.md.

Example:
  alma-users --operator jsmith users sync students.zip --profile STUDENTS --missing deactivate --dry-run`),

  async run(ctx, files, opts) {
    const app = await import('../../../app/sync/files.js');
    const o = parseOptions(app.syncOptions, opts);
    const { files: read, report } = await app.syncFiles(ctx.store(), ctx.operator(), ctx.codes(), files, ctx.io.cwd, o);
    tellFiles(ctx, read);
    const counts = `${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.rejected} rejected, ` +
      `${report.missing} missing${o.missing === 'deactivate' ? ` (${report.deactivated} deactivated)` : ''}`;
    ctx.info(o.dryRun ? `dry run, nothing was written: would be ${counts}` : `job ${report.job ?? ''} synchronized: ${counts}`);
    const json = { files: read, ...report };
    return withJobLetter(ctx, opts, {
      exit: report.rejected > 0 ? EXIT.partial : EXIT.ok,
      output: {
        kind: 'report',
        json,
        sections: [
          {
            kind: 'fields',
            fields: [
              ['job', report.job ?? '(dry run: none)'], ['profile', report.profile],
              ['files', filesField(read)], ['records', report.records],
              ['created', report.created], ['updated', report.updated], ['unchanged', report.unchanged],
              ['rejected', report.rejected], ['protected fields kept', report.protected_kept.length + report.not_listed.protected_kept],
              ['missing', report.missing], ['deactivated', report.deactivated], ['repeated records', report.repeated],
            ],
          },
          ...table('Updated', [['primary_id', 'Primary ID'], ['changes', 'Changes']], report.updates, report.not_listed.updates),
          ...shown(rejectedTable(report.rejections), report.not_listed.rejections),
          ...table('Protected fields kept (changed in alma-users since the last sync)', [['primary_id', 'Primary ID'], ['field', 'Field'], ['kept', 'Kept'], ['sis', 'SIS sent']],
            report.protected_kept.map((k) => ({ primary_id: k.primary_id, field: k.field, kept: text(k.kept), sis: text(k.sis) })),
            report.not_listed.protected_kept),
          ...table(o.missing === 'deactivate' ? 'Missing from the files (set INACTIVE)' : 'Missing from the files',
            [['primary_id', 'Primary ID'], ['status', 'Status before']], report.missing_users, report.not_listed.missing_users),
        ],
      },
    }, report.job);
  },
};
