/**
 * The values of the user's enumerated fields. The zod schemas (user.ts) build their enums
 * from these, and zod-free code (user-fields.ts, options of read-only commands, the query
 * language) checks values against them without loading zod.
 */
export const RECORD_TYPES = ['PUBLIC', 'STAFF', 'CONTACT'] as const;
export const ACCOUNT_TYPES = ['INTERNAL', 'EXTERNAL'] as const;
export const STATUSES = ['ACTIVE', 'INACTIVE'] as const;

/** What a user is when its record does not say (userSchema's defaults). */
export const USER_DEFAULTS = { record_type: 'PUBLIC', account_type: 'INTERNAL', status: 'ACTIVE' } as const;
