import type { SearchIndex, StoredUser } from '../domain/user-fields.js';
import type { Db } from '../store/db.js';
import { searchUsers as findUsers } from '../store/users-find.js';

/** `users search`: Alma's persistent search, streamed in primary-ID order. */
export function searchUsers(db: Db, text: string, index: SearchIndex, limit?: number): Generator<StoredUser> {
  return findUsers(db, text, index, limit);
}
