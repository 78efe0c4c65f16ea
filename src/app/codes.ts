import { z } from 'zod';
import { requireAdministrator, type Operator } from '../domain/authz.js';
import type { CodeAttrs, CodeTable } from '../domain/codes.js';
import { ConflictError, NotFoundError, UsageError } from '../domain/errors.js';
import { unprintableIn } from '../domain/text.js';
import { addCode, countCodeUsage, removeCode } from '../store/codes.js';
import type { Db } from '../store/db.js';

/** Changing the code tables (User Administrator); reading them is code-tables.ts, which loads no zod. */
export { codeTable } from './code-tables.js';

/** The options of `codes add`, as the command line gives them. */
export const addCodeOptions = z.object({
  almaCode: z.string().trim().min(1).optional(),
  needsParameters: z.boolean().optional(),
  restricted: z.boolean().optional(),
});
export type AddCodeOptions = z.output<typeof addCodeOptions>;

/** Adds a code (User Administrator); false when it was there already. */
export function addCodeAs(db: Db, operator: Operator, table: CodeTable, code: string, description: string | undefined, o: AddCodeOptions): boolean {
  requireAdministrator(operator, 'changing code tables');
  const value = code.trim();
  if (!value) throw new UsageError('a code may not be empty');
  // A code is shown in every listing and letter: a control character in it would be obeyed by a terminal.
  for (const [what, text] of [['code', value], ['description', description ?? '']] as const) {
    const bad = unprintableIn(text);
    if (bad) throw new UsageError(`the ${what} holds an unprintable character (${bad}: a control character or half of a broken pair)`, 'type it again without it');
  }
  const attrs: CodeAttrs = {
    ...(o.almaCode ? { alma_code: o.almaCode } : {}),
    ...(o.needsParameters ? { needs_parameters: true } : {}),
    ...(o.restricted ? { restricted: true } : {}),
  };
  return addCode(db, table, value, description, attrs);
}

/** Removes a code that no user holds (User Administrator). */
export function removeCodeAs(db: Db, operator: Operator, table: CodeTable, code: string): void {
  requireAdministrator(operator, 'changing code tables');
  const used = countCodeUsage(db, table, code);
  if (used > 0) {
    throw new ConflictError(`${table} ${code} is held by ${used} user(s); it was not removed`, 'change those users first');
  }
  if (!removeCode(db, table, code)) throw new NotFoundError(`${table} has no code ${code}`);
}
