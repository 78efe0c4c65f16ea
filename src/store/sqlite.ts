import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * better-sqlite3, loaded with `require`: importing a CommonJS package makes Node's ES module
 * loader parse its source for its exports first (cjs-module-lexer), a few milliseconds of
 * every command's start (bench/README.md, start-up). The store's modules take it from here.
 */
const require = createRequire(import.meta.url);
export const Sqlite = require('better-sqlite3') as typeof BetterSqlite3;
export type SqliteDatabase = BetterSqlite3.Database;
