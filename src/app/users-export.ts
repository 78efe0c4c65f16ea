import path from 'node:path';
import { z } from 'zod';
import type { CodeBook } from '../domain/codes.js';
import { almaUser } from '../io/alma-json-write.js';
import { almaUserXml } from '../io/alma-xml-write.js';
import { openPrivateFile } from '../io/private-file.js';
import { csvHeaderLine, csvUserLine } from '../io/users-csv-write.js';
import { loadCodeBook } from '../store/codes.js';
import type { Db } from '../store/db.js';
import { UserStore } from '../store/users.js';
import { countUsers, listUsers, type UserFilter } from '../store/users-find.js';
import { compileQuery } from '../store/query-sql.js';

export const EXPORT_FORMATS = ['alma-json', 'alma-xml', 'csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The options of `users export`, as the command line gives them. */
export const exportOptions = z.object({
  to: z.enum(EXPORT_FORMATS).optional(),
  output: z.string().min(1).optional(),
  query: z.string().optional(),
});

const EXTENSIONS: Record<ExportFormat, string> = { 'alma-json': 'json', 'alma-xml': 'xml', csv: 'csv', ndjson: 'ndjson' };

export interface TextSink {
  write(chunk: string): unknown;
}

/** Collects small writes into chunks of about 64 kB: a million tiny writes are slow anywhere. */
class Buffered {
  private buf = '';
  constructor(private readonly out: TextSink) {}
  write(s: string): void {
    this.buf += s;
    if (this.buf.length >= 65536) this.flush();
  }
  flush(): void {
    if (this.buf) this.out.write(this.buf);
    this.buf = '';
  }
}

/**
 * Writes the users the filter matches (every user without one), one at a time, so a
 * million users are never in memory. The export reads one snapshot of the store
 * (UserStore.snapshot). Returns how many were written.
 */
function exportUsers(db: Db, codes: CodeBook, format: ExportFormat, sink: TextSink, filter: UserFilter): number {
  const out = new Buffered(sink);
  let n = 0;
  return new UserStore(db).snapshot(() => {
    const total = countUsers(db, filter);
    switch (format) {
      case 'alma-json':
        out.write(`{\n"total_record_count": ${total},\n"user": [`);
        for (const u of listUsers(db, filter)) out.write((n++ ? ',\n' : '\n') + JSON.stringify(almaUser(u, codes)));
        out.write(n ? '\n]\n}\n' : ']\n}\n');
        break;
      case 'ndjson':
        for (const u of listUsers(db, filter)) {
          out.write(JSON.stringify(almaUser(u, codes)) + '\n');
          n++;
        }
        break;
      case 'alma-xml':
        out.write(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<users total_record_count="${total}">\n`);
        for (const u of listUsers(db, filter)) {
          out.write(almaUserXml(almaUser(u, codes)));
          n++;
        }
        out.write('</users>\n');
        break;
      case 'csv':
        out.write(csvHeaderLine());
        for (const u of listUsers(db, filter)) {
          out.write(csvUserLine(u));
          n++;
        }
        break;
    }
    out.flush();
    return n;
  });
}

/** Where an export goes: a stream, or a file as named on the command line (resolved against `cwd`). */
export type ExportTarget = { sink: TextSink } | { file: string; cwd: string };

/**
 * `users export`: every user, or those `query` matches, to the target. The query is checked
 * and a file opened before anything is read; the file appears only once the export is
 * complete: a failed export never leaves half a file.
 */
export function exportUsersTo(db: Db, format: ExportFormat, target: ExportTarget, query?: string): number {
  const filter: UserFilter = query === undefined ? {} : { where: compileQuery(query) };
  if ('sink' in target) return exportUsers(db, loadCodeBook(db), format, target.sink, filter);
  const file = openPrivateFile({ option: '-o', given: target.file, example: `users.${EXTENSIONS[format]}` }, path.resolve(target.cwd, target.file));
  try {
    const n = exportUsers(db, loadCodeBook(db), format, file, filter);
    file.commit();
    return n;
  } catch (e) {
    file.abort();
    throw e;
  }
}
