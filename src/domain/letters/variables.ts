import type { CodeBook } from '../codes.js';
import type { User } from '../user.js';
import { displayName, preferredEmail } from '../user-fields.js';

/**
 * What a letter can use. Every name is always present in the scope (null when the user
 * has no value), so that strictVariables catches a misspelt name and nothing else.
 */

export const USER_VARIABLES = [
  'primary_id', 'first_name', 'middle_name', 'last_name', 'name', 'title', 'user_group',
  'user_group_description', 'job_category', 'expiry_date', 'purge_date', 'preferred_email',
  'preferred_language', 'identifiers', 'record_type', 'account_type', 'status',
] as const;

/** The letter's variables: a name maps to its member names, or to null for a plain value. */
export const LETTER_VARIABLES: Record<string, readonly string[] | null> = {
  user: USER_VARIABLES,
  type: ['code', 'description'],
  institution: ['name', 'address', 'address_lines', 'email'],
  password: null,
  job_id: null,
  date: null,
  language: null,
};

/** Lists whose members are indexed (`user.identifiers[0].value`, `labels.lines.size`), not named. */
export const LIST_VARIABLES = new Set(['user.identifiers', 'institution.address_lines', 'labels.lines']);

/** The only place a temporary password may appear: the body of a letter of this type. */
export const PASSWORD_TYPE = 'NOTIFY_PASSWORD_CHANGE';

export interface Institution {
  name: string;
  address: string | null;
  address_lines: string[];
  email: string | null;
}

export type UserVariables = Record<(typeof USER_VARIABLES)[number], unknown>;

export function userVariables(user: User, codes: CodeBook): UserVariables {
  const group = user.user_group ?? null;
  return {
    primary_id: user.primary_id,
    first_name: user.first_name ?? null,
    middle_name: user.middle_name ?? null,
    last_name: user.last_name ?? null,
    // Letters greet people by the name they chose, as Alma's letters do.
    name: displayName({
      first_name: user.pref_first_name ?? user.first_name,
      last_name: user.pref_last_name ?? user.last_name,
      primary_id: user.primary_id,
    }),
    title: user.user_title ?? null,
    user_group: group,
    user_group_description: group === null ? null : (codes.get('user_group', group)?.description ?? group),
    job_category: user.job_category ?? null,
    expiry_date: user.expiry_date ?? null,
    purge_date: user.purge_date ?? null,
    preferred_email: preferredEmail(user) ?? null,
    preferred_language: user.preferred_language ?? null,
    identifiers: user.identifiers.map((i) => ({ type: i.type, value: i.value })),
    record_type: user.record_type,
    account_type: user.account_type,
    status: user.status,
  };
}
