import type Database from 'better-sqlite3';

/**
 * SQL functions every connection of a store has (openStore registers them).
 *
 * unicode_lower(text): the text in lower case by Unicode's rules (MÜLLER -> müller), for
 * the query language and `users search`. SQLite's own lower() and NOCASE fold A-Z only.
 * Deterministic: String.toLowerCase does not depend on the locale (toLocaleLowerCase
 * would), so SQLite may factor calls out.
 */
export function registerSqlFunctions(db: Database.Database): void {
  db.function('unicode_lower', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? text.toLowerCase() : text));
}
