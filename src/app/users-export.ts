import { almaUser } from '../io/alma-json-write.js';
import { almaUserXml } from '../io/alma-xml-write.js';
import { csvHeaderLine, csvUserLine } from '../io/users-csv-write.js';
import type { Db } from '../store/db.js';
import { UserStore } from '../store/users.js';
import type { CodeBook } from '../domain/codes.js';

export const EXPORT_FORMATS = ['alma-json', 'alma-xml', 'csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

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
 * Writes every user, one at a time (UserStore.iterate), so a million users are never in
 * memory. The export reads one snapshot of the store: a change committed meanwhile by
 * another process is either wholly in it or not at all. Returns how many were written.
 */
export function exportUsers(db: Db, codes: CodeBook, format: ExportFormat, sink: TextSink): number {
  const users = new UserStore(db);
  const out = new Buffered(sink);
  let n = 0;
  db.exec('BEGIN');
  try {
    const total = users.count();
    switch (format) {
      case 'alma-json':
        out.write(`{\n"total_record_count": ${total},\n"user": [`);
        for (const u of users.iterate()) out.write((n++ ? ',\n' : '\n') + JSON.stringify(almaUser(u, codes)));
        out.write(n ? '\n]\n}\n' : ']\n}\n');
        break;
      case 'ndjson':
        for (const u of users.iterate()) {
          out.write(JSON.stringify(almaUser(u, codes)) + '\n');
          n++;
        }
        break;
      case 'alma-xml':
        out.write(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<users total_record_count="${total}">\n`);
        for (const u of users.iterate()) {
          out.write(almaUserXml(almaUser(u, codes)));
          n++;
        }
        out.write('</users>\n');
        break;
      case 'csv':
        out.write(csvHeaderLine());
        for (const u of users.iterate()) {
          out.write(csvUserLine(u));
          n++;
        }
        break;
    }
    out.flush();
  } finally {
    db.exec('COMMIT');
  }
  return n;
}
