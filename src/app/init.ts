import { seedDefaultCodes } from '../store/codes.js';
import type { Db } from '../store/db.js';
import { UserStore } from '../store/users.js';
import { USER_ADMINISTRATOR } from '../domain/authz.js';
import { userSchema } from '../domain/user.js';
import { describeIssue } from '../domain/user.js';
import { UsageError } from '../domain/errors.js';

export interface AdminInput {
  primary_id: string;
  first_name?: string | undefined;
  last_name?: string | undefined;
  email?: string | undefined;
}

/**
 * Seeds the code tables and creates the first operator, once. A store that already has
 * one is left exactly as it is: running init twice must be harmless in a provisioning script.
 */
export function initStore(db: Db, admin: AdminInput, now = new Date()): { created: boolean; admin: string } {
  const existing = db.prepare("SELECT value FROM config WHERE key = 'initialised_by'").get() as { value: string } | undefined;
  if (existing) return { created: false, admin: existing.value };
  const parsed = userSchema.safeParse({
    primary_id: admin.primary_id,
    first_name: admin.first_name,
    last_name: admin.last_name,
    record_type: 'STAFF',
    account_type: 'INTERNAL',
    status: 'ACTIVE',
    emails: admin.email ? [{ address: admin.email, preferred: true, types: ['work'] }] : [],
    roles: [{ role: USER_ADMINISTRATOR, status: 'ACTIVE' }],
  });
  if (!parsed.success) throw new UsageError(`cannot create operator: ${describeIssue(parsed.error)}`);
  const at = now.toISOString();
  db.transaction(() => {
    seedDefaultCodes(db);
    new UserStore(db).insert(parsed.data, parsed.data.primary_id, at);
    db.prepare("INSERT INTO config (key, value) VALUES ('initialised_by', ?), ('initialised_at', ?)").run(parsed.data.primary_id, at);
  }).immediate();
  return { created: true, admin: parsed.data.primary_id };
}
