import fs from 'node:fs';
import path from 'node:path';
import Sqlite from 'better-sqlite3';

/** Where better-sqlite3's compiled addon is: null until looked for, undefined if not where expected. */
let addon: string | undefined | null = null;

function addonFile(): string | undefined {
  if (addon === null) {
    const file = path.join(path.dirname(require.resolve('better-sqlite3')), '..', 'build', 'Release', 'better_sqlite3.node');
    addon = fs.existsSync(file) ? file : undefined;
  }
  return addon;
}

/**
 * A better-sqlite3 connection, opened with the driver's addon named outright. Left to find
 * the addon itself, the driver loads the `bindings` package, which works out its caller's
 * folder from a stack trace and tries one path after another: 4-7 ms of `users show` in
 * alternating runs (bench/README.md), in a budget of 1.5x an empty Node. Built from source
 * or installed prebuilt, the addon is in build/Release; should it be anywhere else,
 * `bindings` looks for it as before.
 */
export function openSqlite(file: string | Buffer, options: Sqlite.Options = {}): Sqlite.Database {
  return new Sqlite(file, { ...options, nativeBinding: addonFile() });
}
