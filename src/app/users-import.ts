import path from 'node:path';
import { z } from 'zod';
import { requireAdministrator, type Operator } from '../domain/authz.js';
import { UsageError } from '../domain/errors.js';
import { INPUT_FORMATS, openUserFile, type OpenedFile } from '../io/user-files.js';
import type { Db } from '../store/db.js';
import { importUsers, type ImportReport } from './import.js';

/** The options of `users import`, as the command line gives them. */
export const importOptions = z.object({
  inputFormat: z.enum(INPUT_FORMATS).optional(),
  dryRun: z.boolean().optional(),
  addMissingCodes: z.boolean().optional(),
});
export type ImportFileOptions = z.output<typeof importOptions>;

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
  const opened: OpenedFile[] = [];
  for (const f of files) {
    const file = path.isAbsolute(f) || cwd === process.cwd() ? f : path.resolve(cwd, f);
    opened.push(await openUserFile(file, o.inputFormat));
  }
  const report = await importUsers(db, opened, { operator, dryRun: o.dryRun === true, addMissingCodes: o.addMissingCodes === true });
  return {
    files: opened.map((f) => ({ file: f.file, format: f.format, lines: f.stats.lines, records: f.stats.records, warnings: f.stats.warnings })),
    report,
  };
}
