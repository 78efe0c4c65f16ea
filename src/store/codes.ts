import { CodeBook, DEFAULT_CODES, type Code, type CodeAttrs, type CodeTable } from '../domain/codes.js';
import { getConfig } from './config.js';
import type { Db } from './db.js';

interface CodeRow {
  code_table: string;
  code: string;
  description: string | null;
  attrs: string;
}

function toCode(r: CodeRow): Code {
  return {
    table: r.code_table as CodeTable,
    code: r.code,
    description: r.description ?? undefined,
    // Written only by addCode / seedDefaultCodes, from a CodeAttrs.
    attrs: JSON.parse(r.attrs) as CodeAttrs,
  };
}

export function seedDefaultCodes(db: Db): void {
  const insert = db.prepare('INSERT OR IGNORE INTO codes (code_table, code, description, attrs) VALUES (?, ?, ?, ?)');
  for (const [table, seeds] of Object.entries(DEFAULT_CODES)) {
    for (const [code, description, attrs] of seeds) insert.run(table, code, description, JSON.stringify(attrs ?? {}));
  }
}

export function listCodes(db: Db, table?: CodeTable): Code[] {
  const rows = table
    ? db.prepare<[string], CodeRow>('SELECT * FROM codes WHERE code_table = ? ORDER BY code').all(table)
    : db.prepare<[], CodeRow>('SELECT * FROM codes ORDER BY code_table, code').all();
  return rows.map(toCode);
}

/** The code tables, with the configured institution code (a role scoped to it is institution-wide). */
export function loadCodeBook(db: Db): CodeBook {
  return new CodeBook(listCodes(db), getConfig(db, 'institution.code'));
}

/** Adds a code; returns false when it was already there (nothing changes then). */
export function addCode(db: Db, table: CodeTable, code: string, description?: string, attrs: CodeAttrs = {}): boolean {
  const r = db
    .prepare('INSERT OR IGNORE INTO codes (code_table, code, description, attrs) VALUES (?, ?, ?, ?)')
    .run(table, code, description ?? null, JSON.stringify(attrs));
  return r.changes > 0;
}

export function removeCode(db: Db, table: CodeTable, code: string): boolean {
  return db.prepare('DELETE FROM codes WHERE code_table = ? AND code = ?').run(table, code).changes > 0;
}

/** Where each code table is used in a user row: a column, or a key inside a JSON list. */
const USAGE: Partial<Record<CodeTable, string>> = {
  user_group: 'SELECT count(*) FROM users WHERE user_group = ?',
  job_category: 'SELECT count(*) FROM users WHERE job_category = ?',
  campus: 'SELECT count(*) FROM users WHERE campus_code = ?',
  user_title: 'SELECT count(*) FROM users WHERE user_title = ?',
  cataloger_level: 'SELECT count(*) FROM users WHERE cataloger_level = ?',
  role: "SELECT count(*) FROM users WHERE EXISTS (SELECT 1 FROM json_each(users.roles) WHERE value->>'role' = ?)",
  library: "SELECT count(*) FROM users WHERE EXISTS (SELECT 1 FROM json_each(users.roles) WHERE value->>'scope' = ?)",
  block_description: "SELECT count(*) FROM users WHERE EXISTS (SELECT 1 FROM json_each(users.blocks) WHERE value->>'description' = ?)",
  identifier_type: "SELECT count(*) FROM users WHERE EXISTS (SELECT 1 FROM json_each(users.identifiers) WHERE value->>'type' = ?)",
  note_type: "SELECT count(*) FROM users WHERE EXISTS (SELECT 1 FROM json_each(users.notes) WHERE value->>'type' = ?)",
  statistic_category: "SELECT count(*) FROM users WHERE EXISTS (SELECT 1 FROM json_each(users.statistics) WHERE value->>'category' = ?)",
  rs_library: 'SELECT count(*) FROM users WHERE EXISTS (SELECT 1 FROM json_each(users.rs_libraries) WHERE value = ?)',
};

/** How many users hold this code; a code in use is not removed. */
export function countCodeUsage(db: Db, table: CodeTable, code: string): number {
  const sql = USAGE[table];
  return sql ? (db.prepare(sql).pluck().get(code) as number) : 0;
}
