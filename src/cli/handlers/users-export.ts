import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UsageError } from '../../domain/errors.js';
import { EXPORT_FORMATS, exportUsers, type ExportFormat } from '../../app/users-export.js';
import { parseOptions, type Handler } from '../command.js';
import type { Format } from '../output.js';

const exportOptions = z.object({
  to: z.enum(EXPORT_FORMATS).optional(),
  output: z.string().min(1).optional(),
});

/** What the global --format means for an export when --to is not given. */
const FROM_GLOBAL: Partial<Record<Format, ExportFormat>> = { json: 'alma-json', csv: 'csv', ndjson: 'ndjson' };

const EXTENSIONS: Record<ExportFormat, string> = { 'alma-json': 'json', 'alma-xml': 'xml', csv: 'csv', ndjson: 'ndjson' };

/**
 * Checks -o before a single user is read, so that a typo costs nothing: the folder must
 * exist and the target must not be one. Opens the temporary file beside the target.
 */
function openTarget(given: string, target: string, tmp: string, format: ExportFormat): number {
  const dir = path.dirname(target);
  const example = `e.g. -o ${path.join(given, `users.${EXTENSIONS[format]}`)}`;
  if (fs.statSync(target, { throwIfNoEntry: false })?.isDirectory()) {
    throw new UsageError(`-o ${given}: is a folder, not a file`, `name a file to write, ${example}`);
  }
  const parent = fs.statSync(dir, { throwIfNoEntry: false });
  if (!parent) throw new UsageError(`-o ${given}: the folder ${dir} does not exist`, `create it first (mkdir -p ${dir}) or name a file in an existing folder`);
  if (!parent.isDirectory()) throw new UsageError(`-o ${given}: ${dir} is not a folder`, 'name a file in an existing folder');
  try {
    return fs.openSync(tmp, 'w', 0o600);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new UsageError(`-o ${given}: cannot write in the folder ${dir} (${code})`, 'name a file in a folder you may write to');
  }
}

export const exportAll: Handler = (ctx, _args, opts) => {
  const o = parseOptions(exportOptions, opts);
  const global = ctx.options.format;
  const implied = global === undefined ? undefined : FROM_GLOBAL[global];
  if (global === 'table' && o.to === undefined) {
    throw new UsageError('an export is a file, not a table', 'choose its format: --to alma-json|alma-xml|csv|ndjson');
  }
  if (o.to !== undefined && implied !== undefined && implied !== o.to) {
    throw new UsageError(`--to ${o.to} and --format ${global} disagree`, 'give one of them');
  }
  const format: ExportFormat = o.to ?? implied ?? 'alma-json';
  const db = ctx.store();
  const codes = ctx.codes();
  if (!o.output) {
    const n = exportUsers(db, codes, format, ctx.io.stdout);
    ctx.info(`exported ${n} users (${format})`);
    return {};
  }
  // Written beside the target and renamed at the end: a failed export never leaves half a file.
  const target = path.resolve(ctx.io.cwd, o.output);
  const tmp = `${target}.${process.pid}.tmp`;
  const fd = openTarget(o.output, target, tmp, format);
  try {
    const n = exportUsers(db, codes, format, { write: (s: string) => fs.writeSync(fd, s) });
    fs.closeSync(fd);
    fs.renameSync(tmp, target);
    ctx.info(`exported ${n} users (${format}) to ${o.output}`);
    return {};
  } catch (e) {
    try {
      fs.closeSync(fd);
    } catch {
      // already closed
    }
    fs.rmSync(tmp, { force: true });
    throw e;
  }
};
