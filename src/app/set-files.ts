import path from 'node:path';
import { z } from 'zod';
import type { Operator } from '../domain/authz.js';
import { UsageError } from '../domain/errors.js';
import { ID_FILE_FORMATS, openIdFile, spoolStdin, type IdFile } from '../io/id-file.js';
import { loadCodeBook } from '../store/codes.js';
import type { Db } from '../store/db.js';
import type { SetRecord } from '../store/sets.js';
import { getSet, newSetRecord, requireFreeName, requireOwner, type NewSet } from './sets.js';
import { loadMembers, type LoadOperation, type MembersReport } from './sets-load.js';

/**
 * `set create --from-file`, `set add-members` and `set remove-members`: the ID file named
 * on the command line (or stdin) read into a set, through Add Members to Set (sets-load.ts).
 */

const text = z.string().trim().min(1);

/** The ID-file options, as the command line gives them; --from-file is required but for `set create`. */
export const idFileOptions = z.object({
  fromFile: text,
  column: text.optional(),
  sheet: text.optional(),
  inputFormat: z.enum(ID_FILE_FORMATS).optional(),
  failOnInvalid: z.boolean().optional(),
});
export type IdFileOptions = z.output<typeof idFileOptions>;

/** The options of `set create`: an ID file, a query, or neither (an empty set). */
export const createOptions = idFileOptions.extend({
  fromFile: text.optional(),
  query: z.string().optional(),
  description: z.string().optional(),
  public: z.boolean().optional(),
});

/** Where a relative file name is found and `--from-file -` is read from. */
export interface FileSource {
  cwd: string;
  stdin: NodeJS.ReadableStream;
}

/** Reads the file through the report; stdin is spooled to a private temporary file first. */
async function withIdFile<T>(db: Db, where: FileSource, o: IdFileOptions, read: (file: IdFile) => Promise<T>): Promise<T> {
  const identifierTypes = loadCodeBook(db).codes('identifier_type').map((c) => c.code);
  const opts = { format: o.inputFormat, column: o.column, sheet: o.sheet, identifierTypes };
  if (o.fromFile === '-') {
    const spooled = await spoolStdin(where.stdin);
    try {
      return await read(openIdFile(spooled.file, 'stdin', opts));
    } finally {
      spooled.cleanup();
    }
  }
  return read(openIdFile(path.resolve(where.cwd, o.fromFile), o.fromFile, opts));
}

function load(db: Db, op: Operator, set: SetRecord, create: boolean, operation: LoadOperation, o: IdFileOptions, where: FileSource): Promise<MembersReport> {
  return withIdFile(db, where, o, (file) =>
    loadMembers(db, file, { set, create, operation, failOnInvalid: o.failOnInvalid === true, actor: op.user.primary_id, now: new Date() }),
  );
}

/** A new itemized set of the users an ID file names; with --fail-on-invalid, no set unless every line is used. */
export function createSetFromFile(db: Db, op: Operator, details: NewSet, o: IdFileOptions, where: FileSource): Promise<MembersReport> {
  const set = newSetRecord(op, details, 'ITEMIZED', undefined, new Date());
  requireFreeName(db, set.name);
  return load(db, op, set, true, 'add', o, where);
}

/** Adds or removes the users an ID file names, in an itemized set the operator may change. */
export function changeMembersFromFile(db: Db, op: Operator, name: string, operation: LoadOperation, o: IdFileOptions, where: FileSource): Promise<MembersReport> {
  const set = getSet(db, name, op);
  requireOwner(set, op, 'change its members');
  if (set.kind === 'LOGICAL') {
    throw new UsageError(`set ${set.name} is a logical set: its members are the users its query matches`,
      `save its members as an itemized set first: alma-users set itemize "${set.name}" --as "NEW NAME"`);
  }
  return load(db, op, set, false, operation, o, where);
}
