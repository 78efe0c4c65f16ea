import { preferredEmail, type StoredUser } from '../domain/user-fields.js';
import type { Column, Row } from './output.js';

/** The columns every user listing shows (users list, users search, set members). */
export const USER_LIST_COLUMNS: Column[] = [
  { key: 'primary_id', header: 'Primary ID' },
  { key: 'name', header: 'Name', free: true },
  { key: 'record_type', header: 'Record type' },
  { key: 'account_type', header: 'Account' },
  { key: 'user_group', header: 'User group' },
  { key: 'job_category', header: 'Job category' },
  { key: 'status', header: 'Status' },
  { key: 'expiry_date', header: 'Expiry' },
  { key: 'email', header: 'E-mail', free: true },
];

export function userListRow(u: StoredUser): Row {
  return {
    primary_id: u.primary_id,
    name: [u.last_name, u.first_name].filter(Boolean).join(', ') || null,
    record_type: u.record_type,
    account_type: u.account_type,
    user_group: u.user_group ?? null,
    job_category: u.job_category ?? null,
    status: u.status,
    expiry_date: u.expiry_date ?? null,
    email: preferredEmail(u) ?? null,
  };
}
