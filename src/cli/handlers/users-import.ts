import path from 'node:path';
import { z } from 'zod';
import { requireAdministrator } from '../../domain/authz.js';
import { UsageError } from '../../domain/errors.js';
import { importUsers as runImport, MAX_REJECTIONS } from '../../app/import.js';
import { INPUT_FORMATS, openUserFile, type OpenedFile } from '../../io/user-files.js';
import { parseOptions, type Handler } from '../command.js';
import { EXIT } from '../exit-codes.js';

const importOptions = z.object({
  inputFormat: z.enum(INPUT_FORMATS).optional(),
  dryRun: z.boolean().optional(),
  addMissingCodes: z.boolean().optional(),
});

export const importUsers: Handler = async (ctx, files, opts) => {
  const o = parseOptions(importOptions, opts);
  if (files.length === 0) throw new UsageError('name at least one file to import');
  // Dry runs need the operator too: they report what this operator may do, rejections included.
  const operator = ctx.operator();
  if (o.addMissingCodes) requireAdministrator(operator, 'adding codes (--add-missing-codes)');
  // Every file is checked as a whole first, so an unusable one stops the import before anything is written.
  const opened: OpenedFile[] = [];
  for (const f of files) {
    const file = path.isAbsolute(f) || ctx.io.cwd === process.cwd() ? f : path.resolve(ctx.io.cwd, f);
    opened.push(await openUserFile(file, o.inputFormat));
  }
  const report = await runImport(ctx.store(), opened, {
    operator, dryRun: o.dryRun === true, addMissingCodes: o.addMissingCodes === true,
  });
  for (const f of opened) {
    for (const w of f.stats.warnings) ctx.warn(w);
    if (f.stats.records === 0) ctx.info(`no users in ${f.file}`);
  }
  const counts = `${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.rejected} rejected`;
  ctx.info(o.dryRun ? `dry run, nothing was written: would be ${counts}` : `imported: ${counts}`);
  if (report.rejections_not_listed) ctx.warn(`${report.rejections_not_listed} more rejections are counted but not listed (the first ${MAX_REJECTIONS} are)`);
  const read = opened.map((f) => ({ file: f.file, format: f.format, lines: f.stats.lines, records: f.stats.records, warnings: f.stats.warnings }));
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
            ['files', json.files.map((f) => `${f.file} (${f.format})`).join(', ')],
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
          columns: [
            { key: 'where', header: 'Where' }, { key: 'primary_id', header: 'Primary ID' }, { key: 'reason', header: 'Reason' },
          ],
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
};
