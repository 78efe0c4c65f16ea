import type { User } from './user.js';

/**
 * What callers need of the user model at run time, kept apart from the zod schemas in
 * user.ts: zod takes ~130 ms to load, and `users show` must start faster than that.
 */

/** The scalar (column) fields of a user, in the order they are listed and exported. */
export const SCALAR_FIELDS = [
  'primary_id', 'record_type', 'account_type', 'external_id',
  'first_name', 'middle_name', 'last_name',
  'pref_first_name', 'pref_middle_name', 'pref_last_name', 'pref_name_suffix',
  'user_title', 'gender', 'birth_date', 'user_group', 'job_category', 'job_description',
  'campus_code', 'preferred_language', 'cataloger_level',
  'status', 'status_date', 'expiry_date', 'purge_date', 'force_password_change',
] as const satisfies readonly (keyof User)[];

/** The repeating parts of a user, each kept as a JSON array. */
export const LIST_FIELDS = [
  'identifiers', 'emails', 'phones', 'addresses', 'roles', 'blocks', 'notes', 'statistics', 'rs_libraries',
] as const satisfies readonly (keyof User)[];

/**
 * An object of every field of a user, in order, each undefined. Code that builds users a
 * million times starts from a copy (`{ ...USER_SHAPE }`): the object has all its keys from
 * the start, where adding forty keys one by one to {} costs V8 a new hidden class at each.
 * A key left undefined reads as an absent field (and JSON leaves it out).
 */
export const USER_SHAPE: Readonly<Record<string, undefined>> = Object.fromEntries(
  [...SCALAR_FIELDS, 'password_hash', ...LIST_FIELDS].map((f) => [f, undefined]),
);

/** The address a letter goes to: the preferred e-mail, else the first. */
export function preferredEmail(user: Pick<User, 'emails'>): string | undefined {
  return (user.emails.find((e) => e.preferred) ?? user.emails[0])?.address;
}

/** First, middle and last name, as Alma's full_name. */
export function fullName(user: Pick<User, 'first_name' | 'middle_name' | 'last_name'>): string {
  return [user.first_name, user.middle_name, user.last_name].filter(Boolean).join(' ');
}

export function displayName(user: Pick<User, 'first_name' | 'last_name' | 'primary_id'>): string {
  return [user.first_name, user.last_name].filter(Boolean).join(' ') || user.primary_id;
}

/** A user as stored: the model plus the bookkeeping the store adds. */
export interface StoredUser extends User {
  id: number;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}


/** The indexes of `users search`, as Alma's persistent search has them. */
export const SEARCH_INDEXES = ['all', 'primary_id', 'name', 'email', 'identifier'] as const;
export type SearchIndex = (typeof SEARCH_INDEXES)[number];
