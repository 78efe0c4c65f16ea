import fs from 'node:fs';
import path from 'node:path';
import Sqlite from 'better-sqlite3';

/**
 * better-sqlite3 opened with its addon named outright. Left to find the addon itself, the
 * driver loads the `bindings` package, which works out its caller's folder from a stack
 * trace and tries one path after another: about 2 ms of every command's start, in a
 * budget where `users show` may take 1.5x an empty Node. Built from source or installed
 * prebuilt, the addon is in build/Release; should it be anywhere else, `bindings` looks.
 */
let addon: string | undefined | null = null;

function addonFile(): string | undefined {
  if (addon === null) {
    const file = path.join(path.dirname(require.resolve('better-sqlite3')), '..', 'build', 'Release', 'better_sqlite3.node');
    addon = fs.existsSync(file) ? file : undefined;
  }
  return addon;
}

export function openSqlite(file: string | Buffer, options: Sqlite.Options = {}): Sqlite.Database {
  return new Sqlite(file, { ...options, nativeBinding: addonFile() });
}
