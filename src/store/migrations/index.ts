import fs from 'node:fs';
import path from 'node:path';

/**
 * The store's schema history: the files NNN-name.sql beside this module, applied in the
 * order of their numbers. Append only: a released migration is never edited, since stores
 * in the field have already run it; a change is a new file with the next number. They are
 * SQL files rather than modules so that opening a store reads none of them unless it is
 * behind (a dozen modules were a millisecond and a half of every command's start), and so
 * that sqlite3 can run one as it is. The build copies them beside the compiled module
 * (scripts/copy-migrations.ts).
 */
export interface Migration {
  version: number;
  name: string;
  file: string;
}

const FILE = /^(\d{3})-([a-z0-9-]+)\.sql$/;

/** The migrations in order, without their SQL (sqlOf reads it). */
export function migrations(): Migration[] {
  return fs
    .readdirSync(__dirname)
    .flatMap((f) => {
      const m = FILE.exec(f);
      return m ? [{ version: Number(m[1]), name: m[2]!, file: path.join(__dirname, f) }] : [];
    })
    .sort((a, b) => a.version - b.version);
}

export function sqlOf(m: Migration): string {
  return fs.readFileSync(m.file, 'utf8');
}
