import { CODE_TABLES, isCodeTable, type Code, type CodeTable } from '../domain/codes.js';
import { UsageError } from '../domain/errors.js';
import { listCodes } from '../store/codes.js';
import type { Db } from '../store/db.js';

/** Reading the code tables: no zod here, `codes list` starts without it (codes.ts changes them). */

/** A table name as typed; an unknown one lists the tables. */
export function codeTable(name: string | undefined): CodeTable {
  if (name !== undefined && isCodeTable(name)) return name;
  throw new UsageError(`unknown code table ${name ?? ''}`.trim(), `tables: ${CODE_TABLES.join(', ')}`);
}

export function codesOf(db: Db, table: CodeTable | undefined): Code[] {
  return listCodes(db, table);
}
