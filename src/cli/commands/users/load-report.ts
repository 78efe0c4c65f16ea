import type { Context } from '../../context.js';
import type { Section } from '../../output.js';

/**
 * What `users import` and `users sync` report alike: each file's warnings, and the records
 * they refused.
 */

/** The files' warnings, and a file that held no users, on stderr. */
export function tellFiles(ctx: Context, files: readonly { file: string; records: number; warnings: readonly string[] }[]): void {
  for (const f of files) {
    for (const w of f.warnings) ctx.warn(w);
    if (f.records === 0) ctx.info(`no users in ${f.file}`);
  }
}

/** A record a load refused, as `users import` and `users sync` report it. */
/** The files a load read, as its report's `files` field shows them: name (format), ... */
export function filesField(files: readonly { file: string; format: string }[]): string {
  return files.map((f) => `${f.file} (${f.format})`).join(', ');
}

export interface RejectedRecord {
  file: string;
  line: number | null;
  record: number;
  primary_id: string | null;
  reason: string;
}

/** The Rejected table of `users import` and `users sync`: where (file:line, or the record's number), who, why. */
export function rejectedTable(rejections: readonly RejectedRecord[]): Section & { kind: 'table' } {
  return {
    title: 'Rejected',
    kind: 'table',
    columns: [{ key: 'where', header: 'Where' }, { key: 'primary_id', header: 'Primary ID' }, { key: 'reason', header: 'Reason' }],
    rows: rejections.map((r) => ({ where: `${r.file}:${r.line ?? `record ${r.record}`}`, primary_id: r.primary_id, reason: r.reason })),
  };
}
