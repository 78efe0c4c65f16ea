import type { CodeBook, CodeTable } from '../domain/codes.js';
import { UsageError } from '../domain/errors.js';
import type { StoredUser } from '../domain/user-fields.js';
import { loadCodeBook } from '../store/codes.js';
import type { Db } from '../store/db.js';
import { compileQuery } from '../store/query-sql.js';
import { listUsers as findUsers, type UserFilter } from '../store/users-find.js';

export interface ListFilter extends Omit<UserFilter, 'where'> {
  /** A query in the query language (README, "Query language"). */
  query?: string | undefined;
}

/** A filter's code as the code table has it ("cataloger" is Cataloger), or a usage error naming the closest. */
function filterCode(codes: CodeBook, table: CodeTable, option: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const found = codes.lookup(table, value);
  if ('found' in found) return found.found.code;
  throw new UsageError(`${option}: ${codes.problem(table, value, found)}`, `the codes: alma-users codes list ${table}`);
}

/**
 * A listing's filter as the store takes it: codes as the code tables spell them, the query
 * compiled (relative dates as of `now`). A bad code or query is refused here, before any output.
 */
export function userFilter(db: Db, f: ListFilter, now: Date = new Date()): UserFilter {
  const { query, ...columns } = f;
  if (columns.userGroup !== undefined || columns.jobCategory !== undefined) {
    const codes = loadCodeBook(db);
    columns.userGroup = filterCode(codes, 'user_group', '--user-group', columns.userGroup);
    columns.jobCategory = filterCode(codes, 'job_category', '--job-category', columns.jobCategory);
  }
  return { ...columns, where: query === undefined ? undefined : compileQuery(query, now) };
}

/** `users list`: users matching every filter given, in primary-ID order, streamed. */
export function listUsers(db: Db, f: ListFilter): Generator<StoredUser> {
  return findUsers(db, userFilter(db, f));
}
