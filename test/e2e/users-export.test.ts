import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INTEROP, ROOT, tempStores } from '../helpers/cli.js';

const store = tempStores();

const FIXTURE = path.join(ROOT, 'fixtures', 'users.csv');
const UIO = path.join(INTEROP, 'alma-json', 'uio_user.json');

/** A user with every section of the model filled, as Alma JSON. */
const RICH = {
  primary_id: '000777', record_type: { value: 'STAFF' }, account_type: { value: 'EXTERNAL' }, external_id: 'SIS',
  first_name: 'Grace', middle_name: 'B.', last_name: "O'Hopper", pref_first_name: 'Amazing', pref_middle_name: 'G',
  pref_last_name: 'Hopper', pref_name_suffix: 'PhD', user_title: { value: 'Dr' }, gender: { value: 'FEMALE' },
  birth_date: '1906-12-09Z', user_group: { value: 'FACULTY' }, job_category: { value: 'Systems' },
  job_description: 'Compilers, "quoted", and; separated', campus_code: { value: 'MAIN' }, preferred_language: { value: 'en' },
  cataloger_level: { value: '00' }, status: { value: 'INACTIVE' }, status_date: '2026-01-02Z', expiry_date: '2030-12-31Z',
  purge_date: '2031-12-31Z', force_password_change: 'true',
  contact_info: {
    address: [{
      line1: '1 Navy Way', line2: 'Room =42', city: 'Arlington', state_province: 'VA', postal_code: '02201',
      country: { value: 'USA' }, address_note: 'office\nsecond line', start_date: '2020-01-01Z', end_date: '2030-01-01Z',
      address_type: [{ value: 'work' }], preferred: true, segment_type: 'External',
    }],
    email: [
      { email_address: 'grace@example.edu', email_type: [{ value: 'work' }], preferred: false, description: 'old', segment_type: 'Internal' },
      { email_address: 'grâce@exämple.de', email_type: [{ value: 'personal' }], preferred: true, segment_type: 'External' },
    ],
    phone: [{ phone_number: '+1 555 0199', phone_type: [{ value: 'mobile' }], preferred: true, preferred_sms: true, segment_type: 'Internal' }],
  },
  user_identifier: [
    { id_type: { value: 'BARCODE' }, value: '00123', status: 'ACTIVE', segment_type: 'Internal', note: 'card' },
    { id_type: { value: 'UNIV_ID' }, value: 'u-777', status: 'INACTIVE', segment_type: 'External' },
  ],
  user_role: [
    { role_type: { value: '200' }, status: { value: 'ACTIVE' } },
    { role_type: { value: 'circulation-desk-operator' }, scope: { value: 'MAIN' }, status: { value: 'INACTIVE' }, expiry_date: '2027-06-30Z',
      parameter: [{ type: { value: 'CircDeskCode' }, value: { value: 'DEFAULT_CIRC_DESK' }, scope: { value: 'MAIN' } }] },
  ],
  user_block: [{ block_type: { value: 'GENERAL' }, block_description: { value: '06-LOCAL' }, block_status: 'ACTIVE', block_note: 'lost book',
    created_date: '2025-01-01T10:00:00Z', expiry_date: '2026-12-31Z', segment_type: 'Internal' }],
  user_note: [{ note_type: { value: 'CIRCULATION' }, note_text: '@mention <b>&amp;</b>', user_viewable: true, popup_note: true,
    created_by: 'admin', created_date: '2025-02-02T00:00:00Z', segment_type: 'External' }],
  user_statistic: [{ statistic_category: { value: 'RESEARCHER' }, category_type: { value: 'DEPT' }, statistic_note: '-note', segment_type: 'Internal' }],
  rs_library: [{ code: { value: 'MAIN' } }],
};

/**
 * Every field of every user but the password: a CSV export writes each scalar field and
 * each list as a column of its own.
 */
async function modelOf(s: { run: (args: string[]) => Promise<{ stdout: string }> }): Promise<string> {
  return (await s.run(['users', 'export', '--to', 'csv'])).stdout;
}

/**
 * users.csv, RICH, uio_user.json and MIT's staff_patrons.xml in one store: 18 users and the
 * administrator. staff_patrons.xml's second user has no name, which a new user needs (as on
 * Alma's user details page): the import rejects it, and so it is in no round trip.
 */
async function richStore() {
  const s = await store();
  const rich = path.join(s.dir, 'rich.json');
  fs.writeFileSync(rich, JSON.stringify([RICH]));
  for (const f of [[FIXTURE], [rich], ['--add-missing-codes', UIO]]) {
    const r = await s.run(['users', 'import', ...f]);
    if (r.code !== 0) throw new Error(r.stdout + r.stderr);
  }
  const staff = await s.run(['--format', 'json', 'users', 'import', '--add-missing-codes', path.join(INTEROP, 'alma-xml', 'staff_patrons.xml')]);
  expect(staff.code).toBe(3);
  const report = JSON.parse(staff.stdout) as { created: number; rejected: number; rejections: { primary_id: string; reason: string }[] };
  expect(report).toMatchObject({ created: 1, rejected: 1 });
  expect(report.rejections).toEqual([expect.objectContaining({ primary_id: '2STAFF_KRB_NAME@MIT.EDU', reason: expect.stringContaining("a new user needs Alma's mandatory fields") })]);
  return s;
}

describe('users export', () => {
  it.each(['alma-json', 'alma-xml', 'csv', 'ndjson'])('%s: export, import into a fresh store, export again: identical', async (to) => {
    const a = await richStore();
    const file = path.join(a.dir, `out.${to}`);
    const r = await a.run(['users', 'export', '--to', to, '-o', file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`exported 19 users (${to})`);
    const b = await store();
    const imported = await b.run(['--format', 'json', 'users', 'import', '--add-missing-codes', '--input-format', to === 'ndjson' ? 'alma-json' : to, file]);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ created: 18, unchanged: 1, rejected: 0 });
    expect(await modelOf(b)).toBe(await modelOf(a));
    const again = path.join(b.dir, `again.${to}`);
    await b.run(['users', 'export', '--to', to, '-o', again]);
    expect(fs.readFileSync(again, 'utf8')).toBe(fs.readFileSync(file, 'utf8'));
  });

  it('writes Alma JSON to stdout by default, in the GET /users shape', async () => {
    const s = await store();
    await s.run(['users', 'import', FIXTURE]);
    const r = await s.run(['users', 'export']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.total_record_count).toBe(16);
    expect(doc.user).toHaveLength(16);
    expect(doc.user[0].primary_id).toBe('0012345');
  });

  it('honours the global --format csv, and refuses --to and --format that disagree', async () => {
    const s = await store();
    await s.run(['users', 'import', FIXTURE]);
    const csv = await s.run(['--format', 'csv', 'users', 'export']);
    expect(csv.stdout.split('\r\n')[0]).toMatch(/^primary_id,record_type,account_type,/);
    expect(csv.stdout).toContain('\r\n0012345,STAFF,INTERNAL,');
    const clash = await s.run(['--format', 'csv', 'users', 'export', '--to', 'alma-xml']);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain('--to alma-xml and --format csv disagree');
    const table = await s.run(['--format', 'table', 'users', 'export']);
    expect(table.code).toBe(2);
  });

  it('writes -o FILE readable only by its owner and leaves no partial file behind', async () => {
    const s = await store();
    const out = path.join(s.dir, 'users.xml');
    expect((await s.run(['users', 'export', '--to', 'alma-xml', '-o', out])).code).toBe(0);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^<\?xml[^>]*>\n<users total_record_count="1">\n  <user>/);
    expect(fs.readdirSync(s.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('users show', () => {
  it('--format json is the Alma REST user object, field by field as uio_user.json shapes it', async () => {
    const s = await store();
    await s.run(['users', 'import', '--add-missing-codes', UIO]);
    const ours = JSON.parse((await s.run(['users', 'show', '12345', '--format', 'json'])).stdout) as Record<string, unknown>;
    const uio = JSON.parse(fs.readFileSync(UIO, 'utf8')) as Record<string, unknown>;
    // What the store does not model (fees, loans, requests, proxies, web site, the API link)
    // is not written; a password never is.
    const unmodelled = ['fees', 'link', 'loans', 'requests', 'proxy_for_user', 'web_site_url', 'password'];
    for (const k of unmodelled) expect(ours).not.toHaveProperty(k);
    const expected = Object.fromEntries(Object.entries(uio).filter(([k]) => !unmodelled.includes(k)));
    // The description of a code comes from the store's code table (00 was already there).
    expected.cataloger_level = { value: '00', desc: '[00] Default Level' };
    expect(Object.fromEntries(Object.keys(expected).map((k) => [k, ours[k]]))).toEqual(expected);
    // Fields uio_user.json lacks are the model's own: preferred names.
    expect(Object.keys(ours).filter((k) => !(k in uio)).sort()).toEqual(['pref_first_name', 'pref_last_name', 'pref_middle_name', 'pref_name_suffix']);
  });

  it('shows dates as YYYY-MM-DDZ, roles by Alma code or slug, and every section', async () => {
    const s = await richStore();
    const u = JSON.parse((await s.run(['users', 'show', '000777', '--format', 'json'])).stdout);
    expect(u).toMatchObject({ expiry_date: '2030-12-31Z', purge_date: '2031-12-31Z', status_date: '2026-01-02Z', birth_date: '1906-12-09Z' });
    expect(u.user_role[0].role_type).toEqual({ value: '200', desc: 'Patron' });
    expect(u.user_role[1]).toMatchObject({
      role_type: { value: 'circulation-desk-operator', desc: 'Circulation Desk Operator' }, expiry_date: '2027-06-30Z',
      parameter: [{ type: { value: 'CircDeskCode' }, value: { value: 'DEFAULT_CIRC_DESK' }, scope: { value: 'MAIN' } }],
    });
    expect(u.user_block[0]).toMatchObject({ block_description: { value: '06-LOCAL', desc: 'Block (06)(LOCAL)' }, expiry_date: '2026-12-31Z' });
    expect(u.user_statistic[0].statistic_category).toEqual({ value: 'RESEARCHER', desc: 'Researcher' });

    const text = await s.run(['users', 'show', '000777']);
    expect(text.code).toBe(0);
    for (const title of ['Identity', 'Status and dates', 'E-mail addresses', 'Phones', 'Addresses', 'Roles', 'Blocks', 'Notes', 'Statistics', 'Identifiers']) {
      expect(text.stdout).toContain(`\n${title}\n`.slice(title === 'Identity' ? 1 : 0));
    }
    expect(text.stdout).toMatch(/User group\s+FACULTY \(Faculty\)/);
    expect(text.stdout).toContain('grâce@exämple.de');
    expect(text.stdout).not.toMatch(/scrypt/);
  });

  it('names a user that is not there (exit 2)', async () => {
    const s = await store();
    const r = await s.run(['users', 'show', 'nobody']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no user nobody');
  });
});

describe('users search', () => {
  it('finds by contained text, ignoring case, also beyond ASCII', async () => {
    const s = await store();
    await s.run(['users', 'import', FIXTURE]);
    const ids = async (...args: string[]) =>
      (JSON.parse((await s.run(['users', 'search', ...args, '--format', 'json'])).stdout) as { primary_id: string }[]).map((u) => u.primary_id);
    expect(await ids('MÜLLER', '--index', 'email')).toEqual(['0012347']);
    expect(await ids('müller', '--index', 'name')).toEqual(['0012347']);
    expect(await ids('ada lov', '--index', 'name')).toEqual(['0012345']);
    expect(await ids('b001234', '--index', 'identifier')).toEqual(['0012345', '0012346', '0012347', '0012348', '0012349']);
    expect(await ids('00123', '--index', 'primary_id')).toHaveLength(8);
    expect(await ids('S1000', '--limit', '2')).toEqual(['s1000001', 's1000002']);
    expect(await ids('zzz-nothing')).toEqual([]);
    const bad = await s.run(['users', 'search', 'x', '--index', 'shoe']);
    expect(bad.code).toBe(2);
  });
});
