import { userSchema, type UserInput } from '../../src/domain/user.js';
import { openStore } from '../../src/store/db.js';
import { UserStore } from '../../src/store/users.js';

/**
 * Writes users into a real store through UserStore, as `users import` does, for the set
 * tests (they need users with particular IDs, identifiers and roles).
 */
export function addUsers(dbFile: string, users: UserInput[]): void {
  const db = openStore(dbFile);
  try {
    const store = new UserStore(db);
    const at = new Date().toISOString();
    db.transaction(() => {
      for (const u of users) store.insert(userSchema.parse(u), 'test', at);
    })();
  } finally {
    db.close();
  }
}

/** An operator holding User Manager only. */
export function userManager(id: string): UserInput {
  return { primary_id: id, record_type: 'STAFF', first_name: 'Uma', last_name: 'Manager', roles: [{ role: 'user-manager' }] };
}
