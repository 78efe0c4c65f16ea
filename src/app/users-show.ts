import type { CodeBook } from '../domain/codes.js';
import { NotFoundError } from '../domain/errors.js';
import type { StoredUser } from '../domain/user-fields.js';
import { almaUser } from '../io/alma-json-write.js';
import { loadCodeBook } from '../store/codes.js';
import type { Db } from '../store/db.js';
import { UserStore } from '../store/users.js';

/** `users show ID`: the user, the code tables that describe its codes, and the Alma REST user object. */
export function showUser(db: Db, id: string): { user: StoredUser; codes: CodeBook; alma: Record<string, unknown> } {
  const user = new UserStore(db).get(id);
  if (!user) throw new NotFoundError(`no user ${id} in this store`, 'find one with: alma-users users search TEXT');
  const codes = loadCodeBook(db);
  return { user, codes, alma: almaUser(user, codes) };
}
