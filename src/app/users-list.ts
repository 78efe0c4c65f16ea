import type { StoredUser } from '../domain/user-fields.js';
import type { Db } from '../store/db.js';
import { compileQuery } from '../store/query-sql.js';
import { listUsers as findUsers, type UserFilter } from '../store/users-find.js';

export interface ListFilter extends Omit<UserFilter, 'where'> {
  /** A query in the query language (README, "Query language"). */
  query?: string | undefined;
}

/**
 * `users list`: users matching every filter given, in primary-ID order, streamed. The query
 * is compiled here, before the first row, so a bad one is refused before any output.
 */
export function listUsers(db: Db, f: ListFilter): Generator<StoredUser> {
  const { query, ...columns } = f;
  return findUsers(db, { ...columns, where: query === undefined ? undefined : compileQuery(query) });
}
