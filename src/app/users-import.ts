import path from 'node:path';
import { z } from 'zod';
import { requireAdministrator, type Operator } from '../domain/authz.js';
import { UsageError } from '../domain/errors.js';
import { INPUT_FORMATS, openUserFile, type OpenedFile } from '../io/user-files.js';
import type { Db } from '../store/db.js';
import { importUsers } from './import.js';
import type { ImportReport } from './import-report.js';
import { ROLE_MODES } from './import-merge.js';
import { CsvLines } from './jobs/dry-run.js';

/** The options of `users import`, as the command line gives them. */
export const importOptions = z.object({
  inputFormat: z.enum(INPUT_FORMATS).optional(),
  dryRun: z.boolean().optional(),
  addMissingCodes: z.boolean().optional(),
  roles: z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.enum(ROLE_MODES)).optional(),
  previewFile: z.string().optional(),
});
export type ImportFileOptions = z.output<typeof importOptions>;

/** The dry run's preview file: one row per user the import would create or change. */
const PREVIEW_COLUMNS = ['primary_id', 'outcome', 'changes', 'record'];

/** A file named as given, resolved against `cwd` when that is not the process's own folder. */
function resolveIn(cwd: string, f: string): string {
  return path.isAbsolute(f) || cwd === process.cwd() ? f : path.resolve(cwd, f);
}

/** One file as read: what the report says of it. */
export interface FileRead {
  file: string;
  format: string;
  lines: number;
  records: number;
  warnings: string[];
}

/**
 * `users import FILE...`: every file is opened and checked as a whole first, so an unusable
 * one stops the import before anything is written; then the users are loaded. Files are
 * named as given (resolved against `cwd` when that is not the process's own folder).
 */
export async function importFiles(
  db: Db, operator: Operator, files: string[], cwd: string, o: ImportFileOptions,
): Promise<{ files: FileRead[]; report: ImportReport }> {
  if (files.length === 0) throw new UsageError('name at least one file to import');
  if (o.addMissingCodes) requireAdministrator(operator, 'adding codes (--add-missing-codes)');
  if (o.previewFile !== undefined && !o.dryRun) throw new UsageError('--preview-file goes with --dry-run');
  const opened: OpenedFile[] = [];
  for (const f of files) opened.push(await openUserFile(resolveIn(cwd, f), o.inputFormat));
  const preview = o.previewFile === undefined ? undefined : new CsvLines(resolveIn(cwd, o.previewFile));
  const report = await CsvLines.filling(preview, () => {
    preview?.line(PREVIEW_COLUMNS);
    return importUsers(db, opened, {
      operator, dryRun: o.dryRun === true, addMissingCodes: o.addMissingCodes === true, roles: o.roles,
      onChange: preview && ((c) => preview.line([c.primary_id, `would ${c.outcome}`, c.changes.join('; '), c.at])),
    });
  });
  return {
    files: opened.map((f) => ({ file: f.file, format: f.format, lines: f.stats.lines, records: f.stats.records, warnings: f.stats.warnings })),
    report,
  };
}
