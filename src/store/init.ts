import type { User } from '../domain/user.js';
import { seedDefaultCodes } from './codes.js';
import { getConfig } from './config.js';
import type { Db } from './db.js';
import { UserStore } from './users.js';

/** Who initialised the store (`alma-users init`), or undefined before that. */
export function initialisedBy(db: Db): string | undefined {
  return getConfig(db, 'initialised_by');
}

/** Seeds the code tables, writes the first operator and records who did it, in one transaction. */
export function initialise(db: Db, admin: User, at: string): void {
  db.transaction(() => {
    seedDefaultCodes(db);
    new UserStore(db).insert(admin, admin.primary_id, at);
    db.prepare("INSERT INTO config (key, value) VALUES ('initialised_by', ?), ('initialised_at', ?)").run(admin.primary_id, at);
  }).immediate();
}
