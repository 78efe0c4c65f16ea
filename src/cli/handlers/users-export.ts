import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UsageError } from '../../core/errors.js';
import { EXPORT_FORMATS, exportUsers, type ExportFormat } from '../../core/users-export.js';
import { parseOptions, type Handler } from '../command.js';
import type { Format } from '../output.js';

const exportOptions = z.object({
  to: z.enum(EXPORT_FORMATS).optional(),
  output: z.string().min(1).optional(),
});

/** What the global --format means for an export when --to is not given. */
const FROM_GLOBAL: Partial<Record<Format, ExportFormat>> = { json: 'alma-json', csv: 'csv', ndjson: 'ndjson' };

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
  const fd = fs.openSync(tmp, 'w', 0o600);
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
