import type { Json } from '../alma-server/index.js';

/** Alma users for the tests and the bench (no vitest here: the bench imports it). */

/** One Alma user as Alma's JSON (fixtures/interop/alma-json/uio_user.json's shape). */
export function almaUser(i: number, over: Json = {}): Json {
  const id = `A${String(i).padStart(5, '0')}`;
  return {
    primary_id: id,
    first_name: `First${i}`,
    last_name: `Last${i}`,
    record_type: { value: 'PUBLIC', desc: 'Public' },
    account_type: { value: 'INTERNAL', desc: 'Internal' },
    status: { value: 'ACTIVE', desc: 'Active' },
    user_group: { value: 'UNDERGRAD', desc: 'Undergraduate' },
    expiry_date: '2030-06-30Z',
    contact_info: {
      email: [{ email_address: `u${i}@example.edu`, email_type: [{ value: 'personal', desc: 'Personal' }], preferred: true, segment_type: 'Internal' }],
      address: [], phone: [],
    },
    user_identifier: [{ id_type: { value: 'BARCODE', desc: 'Barcode' }, value: `B${String(i).padStart(7, '0')}`, status: 'ACTIVE', segment_type: 'Internal' }],
    user_role: [{ status: { value: 'ACTIVE', desc: 'Active' }, scope: { value: '01EXAMPLE_INST', desc: 'Example' }, role_type: { value: '200', desc: 'Patron' }, parameter: [] }],
    user_statistic: [],
    user_block: [],
    user_note: [],
    ...over,
  };
}

/** What a person compares between Alma's record and `users show`: codes and values, not descriptions or dates of creation. */
export function essentials(u: Json | undefined): Json {
  if (!u) return { missing: true };
  const v = (x: unknown) => (x && typeof x === 'object' && 'value' in x ? (x as Json).value : x) ?? '';
  const list = (x: unknown) => (Array.isArray(x) ? (x as Json[]) : []);
  const contact = (u.contact_info ?? {}) as Json;
  return {
    primary_id: u.primary_id, first_name: u.first_name, last_name: u.last_name,
    user_group: v(u.user_group), status: v(u.status), account_type: v(u.account_type),
    expiry_date: String(u.expiry_date ?? '').replace(/Z$/, ''), purge_date: String(u.purge_date ?? '').replace(/Z$/, ''),
    job_description: u.job_description ?? '', campus: v(u.campus_code),
    emails: list(contact.email).map((e) => e.email_address),
    identifiers: list(u.user_identifier).map((x) => `${String(v(x.id_type))}:${String(x.value)}`),
    notes: list(u.user_note).map((n) => n.note_text).sort(),
    statistics: list(u.user_statistic).map((s) => v(s.statistic_category)).sort(),
    blocks: list(u.user_block).map((b) => `${String(v(b.block_description))}:${String(v(b.block_status))}`).sort(),
    roles: list(u.user_role).map((r) => `${String(v(r.role_type))}:${String(v(r.status))}`).sort(),
  };
}
