import { z } from 'zod';
import { isIsoDate } from './dates.js';
import { MAX_PRIMARY_ID } from './primary-id.js';
import { excerpt } from './text.js';
import { ACCOUNT_TYPES, RECORD_TYPES, STATUSES, USER_DEFAULTS } from './user-enums.js';

/**
 * The Alma user as alma-users keeps it. These schemas are the single source of the user's
 * shape and type: readers map their files onto them, the store writes what they accept,
 * and writers render from them.
 */

const text = z.string().trim().min(1);
const optionalText = text.optional();
// The value is named: 2026-02-30 has the right form, and only the message can say which date is meant.
const isoDate = z.string().trim().refine(isIsoDate, {
  error: (issue) => `"${excerpt(String(issue.input))}" is not a date: expected YYYY-MM-DD, a day that exists, from 1900-01-01 to 9999-12-31`,
});
export const segment = z.enum(['Internal', 'External']);
export const activeStatus = z.enum(STATUSES);

/**
 * Real directories hold addresses such as müller@example.de, so this checks the shape
 * (one @, something on each side, no spaces) rather than an ASCII grammar.
 */
export const emailAddress = z
  .string()
  .trim()
  .regex(/^[^\s@]+@[^\s@]+$/, { message: 'not an e-mail address (expected name@domain)' });

export const identifierSchema = z.object({
  type: text,
  value: text,
  status: activeStatus.default('ACTIVE'),
  segment: segment.default('Internal'),
  note: optionalText,
});

export const emailSchema = z.object({
  address: emailAddress,
  types: z.array(text).default([]),
  preferred: z.boolean().default(false),
  description: optionalText,
  segment: segment.default('Internal'),
});

export const phoneSchema = z.object({
  number: text,
  types: z.array(text).default([]),
  preferred: z.boolean().default(false),
  preferred_sms: z.boolean().default(false),
  segment: segment.default('Internal'),
});

export const addressSchema = z.object({
  line1: optionalText,
  line2: optionalText,
  line3: optionalText,
  line4: optionalText,
  line5: optionalText,
  city: optionalText,
  state_province: optionalText,
  postal_code: optionalText,
  country: optionalText,
  address_note: optionalText,
  start_date: isoDate.optional(),
  end_date: isoDate.optional(),
  types: z.array(text).default([]),
  preferred: z.boolean().default(false),
  segment: segment.default('Internal'),
});

export const roleParameterSchema = z.object({
  type: text,
  value: text,
  scope: optionalText,
});

export const roleSchema = z.object({
  /** The role's slug in the role code table, e.g. 'license-viewer'. */
  role: text,
  scope: optionalText,
  status: activeStatus.default('ACTIVE'),
  parameters: z.array(roleParameterSchema).default([]),
  expiry_date: isoDate.optional(),
});

export const blockSchema = z.object({
  type: text.default('GENERAL'),
  description: text,
  status: activeStatus.default('ACTIVE'),
  note: optionalText,
  created: optionalText,
  expiry_date: isoDate.optional(),
  segment: segment.default('Internal'),
});

export const noteSchema = z.object({
  type: text.default('GENERAL'),
  text: text,
  user_viewable: z.boolean().default(false),
  popup: z.boolean().default(false),
  created: optionalText,
  created_by: optionalText,
  segment: segment.default('Internal'),
});

export const statisticSchema = z.object({
  category: text,
  type: optionalText,
  note: optionalText,
  segment: segment.default('Internal'),
});

export const recordType = z.enum(RECORD_TYPES);
export const accountType = z.enum(ACCOUNT_TYPES);

export const userSchema = z.object({
  primary_id: z
    .string()
    .trim()
    .min(1, { message: 'primary_id is empty' })
    .max(MAX_PRIMARY_ID, { message: `primary_id is longer than ${MAX_PRIMARY_ID} characters` })
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), { message: 'primary_id holds a control character' }),
  record_type: recordType.default(USER_DEFAULTS.record_type),
  account_type: accountType.default(USER_DEFAULTS.account_type),
  external_id: optionalText,
  first_name: optionalText,
  middle_name: optionalText,
  last_name: optionalText,
  pref_first_name: optionalText,
  pref_middle_name: optionalText,
  pref_last_name: optionalText,
  pref_name_suffix: optionalText,
  user_title: optionalText,
  gender: optionalText,
  birth_date: isoDate.optional(),
  user_group: optionalText,
  job_category: optionalText,
  job_description: optionalText,
  campus_code: optionalText,
  preferred_language: optionalText,
  cataloger_level: optionalText,
  status: activeStatus.default(USER_DEFAULTS.status),
  status_date: isoDate.optional(),
  expiry_date: isoDate.optional(),
  purge_date: isoDate.optional(),
  /** An scrypt hash (see core/password.ts); never a password. */
  password_hash: optionalText,
  force_password_change: z.boolean().default(false),
  identifiers: z.array(identifierSchema).default([]),
  emails: z.array(emailSchema).default([]),
  phones: z.array(phoneSchema).default([]),
  addresses: z.array(addressSchema).default([]),
  roles: z.array(roleSchema).default([]),
  blocks: z.array(blockSchema).default([]),
  notes: z.array(noteSchema).default([]),
  statistics: z.array(statisticSchema).default([]),
  rs_libraries: z.array(text).default([]),
});

export type User = z.output<typeof userSchema>;
export type UserInput = z.input<typeof userSchema>;
export type Identifier = z.output<typeof identifierSchema>;
export type Email = z.output<typeof emailSchema>;
export type Phone = z.output<typeof phoneSchema>;
export type Address = z.output<typeof addressSchema>;
export type Role = z.output<typeof roleSchema>;
export type Block = z.output<typeof blockSchema>;
export type Note = z.output<typeof noteSchema>;
export type Statistic = z.output<typeof statisticSchema>;

/** The first problem zod found, as "field.path: message" with list items counted from 1 (`roles[1].status`), for one-line reports. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid user';
  const where = issue.path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k + 1}]` : s ? `${s}.${String(k)}` : String(k)), '');
  return `${where || 'user'}: ${issue.message}`;
}
