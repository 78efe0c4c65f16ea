import { z } from 'zod';
import { USER_ADMINISTRATOR } from '../domain/authz.js';
import { UsageError } from '../domain/errors.js';
import { describeIssue, userSchema } from '../domain/user.js';
import type { Db } from '../store/db.js';
import { initialise, initialisedBy } from '../store/init.js';

/** The options of `init`, as the command line gives them. */
export const initOptions = z.object({
  admin: z.string().trim().min(1),
  firstName: z.string().trim().min(1).optional(),
  lastName: z.string().trim().min(1).optional(),
  email: z.string().trim().min(1).optional(),
});

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
  const existing = initialisedBy(db);
  if (existing !== undefined) return { created: false, admin: existing };
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
  initialise(db, parsed.data, now.toISOString());
  return { created: true, admin: parsed.data.primary_id };
}
