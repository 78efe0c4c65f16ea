import path from 'node:path';
import { z } from 'zod';
import type { Operator } from '../../domain/authz.js';
import type { CodeBook } from '../../domain/codes.js';
import { UsageError } from '../../domain/errors.js';
import { readHead } from '../../io/file-head.js';
import { INPUT_FORMATS, openUserFile } from '../../io/user-files.js';
import { isZip, openUserZip } from '../../io/zip-users.js';
import type { FileStats } from '../../domain/import-record.js';
import type { Db } from '../../store/db.js';
import type { FileRead } from '../users-import.js';
import type { SyncReport } from './report.js';
import { isProtectedField, PROTECTED_FIELDS } from '../../domain/protected-fields.js';
import { syncUsers, type SyncSource } from './run.js';

/** The options of `users sync`, as the command line gives them. */
export const syncOptions = z.object({
  profile: z.string({ message: 'name the SIS profile: --profile NAME' }).trim().min(1, { message: 'name the SIS profile: --profile NAME' }),
  override: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const fields = (v ?? '').split(',').map((f) => f.trim().toLowerCase()).filter(Boolean);
      const bad = fields.find((f) => !isProtectedField(f));
      if (bad !== undefined) ctx.addIssue({ code: 'custom', message: `${bad} is not a protected field (protected: ${PROTECTED_FIELDS.join(', ')})` });
      return new Set(fields);
    }),
  missing: z.enum(['report', 'deactivate'], { message: 'expected report or deactivate' }).default('report'),
  inputFormat: z.enum(INPUT_FORMATS).optional(),
  dryRun: z.boolean().optional(),
  reason: z.string().optional(),
});
export type SyncFileOptions = z.output<typeof syncOptions>;

/**
 * `users sync FILE...`: every file (or archive) is opened and checked as a whole first, so
 * that an unusable one stops the sync before anything is written; then the records are
 * synchronised as one job.
 */
export async function syncFiles(
  db: Db, operator: Operator, codes: CodeBook, files: string[], cwd: string, o: SyncFileOptions,
): Promise<{ files: FileRead[]; report: SyncReport }> {
  if (files.length === 0) throw new UsageError('name at least one SIS file to synchronize');
  const opened: (SyncSource & { file: string; format: string; stats: FileStats })[] = [];
  for (const f of files) {
    const file = path.isAbsolute(f) || cwd === process.cwd() ? f : path.resolve(cwd, f);
    opened.push(o.inputFormat === undefined && looksZipped(file) ? await openUserZip(file) : await openUserFile(file, o.inputFormat));
  }
  const report = await syncUsers(db, opened, {
    operator, codes, profile: o.profile, overrides: o.override, missing: o.missing, dryRun: o.dryRun === true, reason: o.reason, files,
  });
  return {
    files: opened.map((f) => ({ file: f.file, format: f.format, lines: f.stats.lines, records: f.stats.records, warnings: f.stats.warnings })),
    report,
  };
}

/** A zip archive by its name or first bytes; a file that cannot be read is left to openUserFile to name the problem. */
function looksZipped(file: string): boolean {
  try {
    return isZip(file, readHead(file));
  } catch {
    return false;
  }
}
