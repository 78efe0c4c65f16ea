import Database from 'better-sqlite3';
import { userSchema, type UserInput } from '../../src/domain/user.js';
import { UserStore } from '../../src/store/users.js';

/**
 * Writes users straight into a real store through UserStore, for job tests that need
 * many users with particular roles, accounts or e-mails quickly.
 */
export function seedUsers(dbFile: string, users: UserInput[]): void {
  const db = new Database(dbFile);
  db.pragma('busy_timeout = 10000');
  const store = new UserStore(db);
  const at = new Date().toISOString();
  db.transaction(() => {
    for (const u of users) store.insert(userSchema.parse(u), 'seed', at);
  })();
  db.close();
}

/** A plain active internal patron with an e-mail, changed by `over`. */
export function patron(primaryId: string, over: Partial<UserInput> = {}): UserInput {
  return {
    primary_id: primaryId,
    first_name: 'Pat',
    last_name: `Ron ${primaryId}`,
    user_group: 'UNDERGRAD',
    status: 'ACTIVE',
    account_type: 'INTERNAL',
    expiry_date: '2027-06-30',
    emails: [{ address: `${primaryId.toLowerCase()}@example.edu`, preferred: true }],
    roles: [{ role: 'patron', status: 'ACTIVE' }],
    ...over,
  };
}

/** Reads rows from the store with a fresh read-only connection. */
export function query<T>(dbFile: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}
