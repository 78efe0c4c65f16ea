import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { INTEROP, ROOT, tempStore } from '../helpers/cli.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

async function store() {
  const s = await tempStore();
  cleanups.push(s.cleanup);
  const count = () => {
    const db = new Database(s.db, { readonly: true });
    const n = (db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
    db.close();
    return n;
  };
  const json = async (args: string[]) => {
    const r = await s.run(['--format', 'json', ...args]);
    return { ...r, report: r.stdout ? (JSON.parse(r.stdout) as ImportReport) : undefined };
  };
  return { ...s, count, json };
}

interface ImportReport {
  files: { file: string; format: string }[];
  dry_run: boolean;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  rejections: { file: string; line: number | null; record: number; primary_id: string | null; reason: string }[];
  codes_added: { table: string; code: string; description: string | null; alma_code?: string }[];
}

const FIXTURE = path.join(ROOT, 'fixtures', 'users.csv');
const HEADER = 'primary_id,first_name,last_name,email,user_group,roles';

describe('users import: CSV', () => {
  it('loads the fixture, keeps leading zeros, and a rerun changes nothing', async () => {
    const s = await store();
    const first = await s.json(['users', 'import', FIXTURE]);
    expect(first.code).toBe(0);
    expect(first.report).toMatchObject({ created: 15, updated: 0, unchanged: 0, rejected: 0, dry_run: false });
    expect(first.stderr).toContain('imported: 15 created');
    const again = await s.json(['users', 'import', FIXTURE]);
    expect(again.report).toMatchObject({ created: 0, updated: 0, unchanged: 15, rejected: 0 });
    const list = await s.run(['users', 'list', '--format', 'csv']);
    expect(list.stdout).toMatch(/^0012345,/m);
    const shown = JSON.parse((await s.run(['users', 'show', '0012345', '--format', 'json'])).stdout);
    expect(shown.primary_id).toBe('0012345');
    expect(shown.user_identifier[0].value).toBe('B0012345');
    expect(shown.user_role.map((r: { role_type: { value: string } }) => r.role_type.value)).toEqual(['200', '204']);
    expect(shown.user_role[1].scope.value).toBe('MAIN');
  });

  it('reads ; as delimiter with a byte-order mark and CRLF, as Excel saves it', async () => {
    const s = await store();
    const f = s.file('excel.csv', Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('primary_id;first_name;last_name;email;roles\r\n00042;Zoë;"Smith; Jr";müller@example.de;"patron;cataloger@MAIN"\r\n', 'utf8'),
    ]));
    const r = await s.json(['users', 'import', f]);
    expect(r.code).toBe(0);
    expect(r.report?.created).toBe(1);
    const u = JSON.parse((await s.run(['users', 'show', '00042', '--format', 'json'])).stdout);
    expect(u).toMatchObject({ primary_id: '00042', first_name: 'Zoë', last_name: 'Smith; Jr' });
    expect(u.contact_info.email[0].email_address).toBe('müller@example.de');
    expect(u.user_role).toHaveLength(2);
  });

  it('matches primary IDs case-insensitively and reports an update', async () => {
    const s = await store();
    await s.run(['users', 'import', s.file('a.csv', `${HEADER}\nAbC01,Ann,Lee,ann@example.edu,GRAD,patron\n`)]);
    const r = await s.json(['users', 'import', s.file('b.csv', `${HEADER}\nabc01,Ann,Leigh,ann@example.edu,GRAD,patron\n`)]);
    expect(r.report).toMatchObject({ created: 0, updated: 1 });
    const u = JSON.parse((await s.run(['users', 'show', 'ABC01', '--format', 'json'])).stdout);
    expect(u).toMatchObject({ primary_id: 'AbC01', last_name: 'Leigh' });
  });

  it('leaves fields whose column the file lacks as they were, and clears those given empty', async () => {
    const s = await store();
    await s.run(['users', 'import', FIXTURE]);
    const r = await s.json(['users', 'import', s.file('p.csv', 'primary_id,job_description\n0012345,\n')]);
    expect(r.report?.updated).toBe(1);
    const u = JSON.parse((await s.run(['users', 'show', '0012345', '--format', 'json'])).stdout);
    expect(u.job_description).toBe('');
    expect(u.last_name).toBe('Lovelace');
    expect(u.contact_info.email[0].email_address).toBe('ada.lovelace@example.edu');
  });

  it('stops on an unknown column before writing anything, naming the valid columns (exit 2)', async () => {
    const s = await store();
    const good = s.file('good.csv', `${HEADER}\n1,A,B,a@example.edu,GRAD,patron\n`);
    const bad = s.file('bad.csv', 'primary_id,first_name,shoe_size\n2,B,44\n');
    const r = await s.run(['users', 'import', good, bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad.csv:1: unknown column "shoe_size"');
    expect(r.stderr).toMatch(/valid columns: primary_id, record_type, .*barcode.*roles/);
    expect(s.count()).toBe(1);
  });

  it('rejects a user with an unknown code, naming the code and the command that adds it (exit 3)', async () => {
    const s = await store();
    const f = s.file('codes.csv', `${HEADER}\n1,A,B,a@example.edu,VISITOR,patron\n2,C,D,c@example.edu,GRAD,patron\n`);
    const r = await s.json(['users', 'import', f]);
    expect(r.code).toBe(3);
    expect(r.report).toMatchObject({ created: 1, rejected: 1 });
    expect(r.report?.rejections[0]).toMatchObject({ line: 2, record: 1, primary_id: '1' });
    expect(r.report?.rejections[0]!.reason).toContain('unknown user_group "VISITOR": add it with `alma-users codes add user_group VISITOR`');
    expect(r.report?.rejections[0]!.reason).toContain('--add-missing-codes');
    const table = await s.run(['users', 'import', f]);
    expect(table.stdout).toMatch(/codes\.csv:2\s+1\s+unknown user_group "VISITOR"/);

    const added = await s.json(['users', 'import', '--add-missing-codes', f]);
    expect(added.code).toBe(0);
    expect(added.report).toMatchObject({ created: 1, unchanged: 1, rejected: 0 });
    expect(added.report?.codes_added).toEqual([{ table: 'user_group', code: 'VISITOR', description: null }]);
    const codes = JSON.parse((await s.run(['codes', 'list', 'user_group', '--format', 'json'])).stdout);
    expect(codes.map((c: { code: string }) => c.code)).toContain('VISITOR');
  });

  it('rejects bad rows with their line and reason and loads the rest', async () => {
    const s = await store();
    const f = s.file('mixed.csv', [
      'primary_id,first_name,email,expiry_date,status',
      '1,Ann,ann@example.edu,2027-02-30,ACTIVE',
      '2,"Two, Jr",two@example.edu,2027-02-28,active',
      '3,Bob,not-an-address,2027-01-01,ACTIVE',
      '4,Cy,cy@example.edu,,RETIRED',
      '5,Di,di@example.edu,2027-01-01',
      '2,Again,again@example.edu,,ACTIVE',
      ',NoId,x@example.edu,,',
      '6,Ed,ed@example.edu,2027-01-01Z,ACTIVE',
    ].join('\n') + '\n');
    const r = await s.json(['users', 'import', f]);
    expect(r.code).toBe(3);
    expect(r.report).toMatchObject({ created: 2, rejected: 6 });
    const byLine = Object.fromEntries(r.report!.rejections.map((x) => [x.line, x.reason]));
    expect(byLine[2]).toMatch(/expiry_date: expected a date/);
    expect(byLine[4]).toMatch(/emails\[1\]\.address: not an e-mail address/);
    expect(byLine[5]).toMatch(/status/);
    expect(byLine[6]).toMatch(/the row has 4 fields, the header 5/);
    expect(byLine[7]).toMatch(/primary_id 2 appears more than once in this import \(first at .*mixed\.csv:3\)/);
    expect(byLine[8]).toMatch(/primary_id is empty/);
  });

  it('writes nothing on --dry-run but reports the same', async () => {
    const s = await store();
    const r = await s.json(['users', 'import', '--dry-run', '--add-missing-codes', FIXTURE]);
    expect(r.code).toBe(0);
    expect(r.report).toMatchObject({ dry_run: true, created: 15 });
    expect(r.stderr).toContain('dry run, nothing was written');
    expect(s.count()).toBe(1);
  });

  it('round-trips formula-like values through export and import', async () => {
    const s = await store();
    const f = s.file('f.csv', 'primary_id,first_name,last_name,phone\n7,=HYPERLINK("x"),@risk,+1 555 0101\n');
    expect((await s.run(['users', 'import', f])).code).toBe(0);
    const exported = (await s.run(['users', 'export', '--to', 'csv'])).stdout;
    expect(exported).toContain(`"'=HYPERLINK(""x"")"`);
    expect(exported).toContain("'@risk");
    const again = s.file('again.csv', exported);
    const r = await s.json(['users', 'import', again]);
    expect(r.report).toMatchObject({ unchanged: 2, updated: 0, rejected: 0 });
    const u = JSON.parse((await s.run(['users', 'show', '7', '--format', 'json'])).stdout);
    expect(u).toMatchObject({ first_name: '=HYPERLINK("x")', last_name: '@risk' });
    expect(u.contact_info.phone[0].phone_number).toBe('+1 555 0101');
  });

  it('stores a password from the file only as an scrypt hash and never shows it', async () => {
    const s = await store();
    const f = s.file('pw.json', JSON.stringify({ primary_id: 'pw1', password: 'S3cret-Pass', force_password_change: 'TRUE' }));
    const r = await s.run(['users', 'import', f]);
    expect(r.code).toBe(0);
    const db = new Database(s.db, { readonly: true });
    const row = db.prepare("SELECT password_hash, force_password_change FROM users WHERE primary_id = 'pw1'").get() as
      { password_hash: string; force_password_change: number };
    db.close();
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(row.password_hash).not.toContain('S3cret-Pass');
    expect(row.force_password_change).toBe(1);
    const shown = await s.run(['users', 'show', 'pw1', '--format', 'json']);
    expect(shown.stdout).not.toContain('password"');
    expect(JSON.parse(shown.stdout).force_password_change).toBe('true');
    expect((await s.run(['users', 'export'])).stdout).not.toMatch(/scrypt|S3cret/);
    // The same password again leaves the user unchanged.
    expect(JSON.parse((await s.run(['--format', 'json', 'users', 'import', f])).stdout).unchanged).toBe(1);
  });
});

describe('users import: who may', () => {
  it('needs an operator (exit 2), and --add-missing-codes needs a User Administrator (exit 4)', async () => {
    const s = await store();
    const none = await s.run(['users', 'import', FIXTURE], { env: { ALMA_USERS_OPERATOR: '' } });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--operator ID');
    const mgr = s.file('mgr.csv', 'primary_id,record_type,roles\nmgr,STAFF,user-manager\n');
    expect((await s.run(['users', 'import', mgr])).code).toBe(0);
    const codes = await s.run(['--operator', 'mgr', 'users', 'import', '--add-missing-codes', FIXTURE]);
    expect(codes.code).toBe(4);
    expect(codes.stderr).toContain('User Administrator');
    expect(s.count()).toBe(2);
  });

  it('lets a User Manager load patrons but not change a restricted account', async () => {
    const s = await store();
    await s.run(['users', 'import', s.file('mgr.csv', 'primary_id,record_type,roles\nmgr,STAFF,user-manager\nboss,STAFF,user-administrator\n')]);
    const f = s.file('m.csv', 'primary_id,first_name\npatron1,Pat\nboss,Changed\n');
    const r = await s.json(['--operator', 'mgr', 'users', 'import', f]);
    expect(r.code).toBe(3);
    expect(r.report).toMatchObject({ created: 1, rejected: 1 });
    expect(r.report?.rejections[0]).toMatchObject({ primary_id: 'boss' });
    expect(r.report?.rejections[0]!.reason).toContain('only a User Administrator');
  });
});

describe('users import: the interop files', () => {
  const json = (f: string) => path.join(INTEROP, 'alma-json', f);
  const xml = (f: string) => path.join(INTEROP, 'alma-xml', f);

  it('uio_user.json: unknown codes named; with --add-missing-codes it loads with every section', async () => {
    const s = await store();
    const r = await s.json(['users', 'import', json('uio_user.json')]);
    expect(r.code).toBe(3);
    expect(r.report?.rejections[0]!.reason).toContain('unknown user_group "1": add it with `alma-users codes add user_group 1 \'Egne studenter\'`');
    const ok = await s.json(['users', 'import', '--add-missing-codes', json('uio_user.json')]);
    expect(ok.code).toBe(0);
    expect(ok.report?.codes_added).toEqual(expect.arrayContaining([
      { table: 'user_group', code: '1', description: 'Egne studenter' },
      { table: 'library', code: '47BIBSYS_UBO', description: 'UiO,Universitetsbiblioteket' },
      { table: 'rs_library', code: '1030310', description: 'UiO Realfagsbiblioteket' },
    ]));
    const u = JSON.parse((await s.run(['users', 'show', '12345', '--format', 'json'])).stdout);
    expect(u.user_identifier).toHaveLength(4);
    expect(u.user_identifier[0]).toMatchObject({ value: 'ub12345', status: 'INACTIVE' });
    expect(u.user_identifier[2]).toMatchObject({ value: 'ntb12897787', segment_type: 'External' });
    expect(u.contact_info.phone.map((p: { preferred_sms: boolean }) => p.preferred_sms)).toEqual([false, true]);
    expect(u.contact_info.address[0]).toMatchObject({ city: 'Oslo', postal_code: '0316', start_date: '2016-08-22Z' });
    expect(u.user_role[0]).toMatchObject({ role_type: { value: '200', desc: 'Patron' }, scope: { value: '47BIBSYS_UBO' } });
    expect(u.birth_date).toBe('1990-03-01Z');
  });

  it('users_list.json ({"user": [...]} of brief users) loads', async () => {
    const s = await store();
    const r = await s.json(['users', 'import', json('users_list.json')]);
    expect(r.code).toBe(0);
    expect(r.report?.created).toBe(1);
    expect(JSON.parse((await s.run(['users', 'show', '1234567', '--format', 'json'])).stdout).last_name).toBe('Banan');
  });

  it('doc_sample_user.json loads with --add-missing-codes, roles mapped from role_type 200 and 204', async () => {
    const s = await store();
    const r = await s.json(['users', 'import', '--add-missing-codes', json('doc_sample_user.json')]);
    expect(r.code).toBe(0);
    const u = JSON.parse((await s.run(['users', 'show', 'johns', '--format', 'json'])).stdout);
    expect(u.user_role.map((x: { role_type: { desc: string } }) => x.role_type.desc)).toEqual(['Patron', 'Cataloger']);
    expect(u.user_block[0].block_description.value).toBe('02-GLOBAL');
    expect(u.user_note[0]).toMatchObject({ note_text: 'His address was changed a month ago', user_viewable: true });
    expect(u.contact_info.email).toHaveLength(2);
    expect(u.contact_info.phone[0].phone_type.map((t: { value: string }) => t.value)).toEqual(['home', 'office']);
  });

  it('doc_sample_user_post.json is rejected: its role status NEW is not a role status', async () => {
    // The documented POST body gives a role the status "NEW"; Alma roles are ACTIVE or
    // INACTIVE, and guessing which was meant would grant or withhold a role silently.
    const s = await store();
    const r = await s.json(['users', 'import', '--add-missing-codes', json('doc_sample_user_post.json')]);
    expect(r.code).toBe(3);
    expect(r.report?.rejections).toHaveLength(1);
    expect(r.report?.rejections[0]).toMatchObject({ primary_id: 'johns', record: 1 });
    expect(r.report?.rejections[0]!.reason).toMatch(/roles\[1\]\.status: .*ACTIVE.*INACTIVE/);
    expect(s.count()).toBe(1);
  });

  it.each(['staff_patrons.xml', 'student_patrons.xml'])('%s (<userRecords>) loads both users with --add-missing-codes', async (f) => {
    const s = await store();
    const plain = await s.json(['users', 'import', xml(f)]);
    expect(plain.code).toBe(3);
    expect(plain.report?.rejections.map((x) => x.line)).toEqual([3, expect.any(Number)]);
    const r = await s.json(['users', 'import', '--add-missing-codes', xml(f)]);
    expect(r.code).toBe(0);
    expect(r.report).toMatchObject({ created: 2, rejected: 0 });
    expect(r.report?.files).toEqual([{ file: xml(f), format: 'alma-xml', lines: f === 'staff_patrons.xml' ? 164 : 172, records: 2, warnings: [] }]);
    expect(r.report?.codes_added).toEqual(expect.arrayContaining([
      { table: 'library', code: '01MIT_INST', description: 'Massachusetts Institute of Technology' },
    ]));
  });

  it('staff_patrons.xml keeps the &amp; entity and the user with an empty name and user group', async () => {
    const s = await store();
    const r = await s.json(['users', 'import', '--add-missing-codes', xml('staff_patrons.xml')]);
    expect(r.report?.codes_added).toContainEqual({ table: 'statistic_category', code: 'NK', description: 'LL-Homeland Protection & Air Traffic Con' });
    const u = JSON.parse((await s.run(['users', 'show', '2STAFF_KRB_NAME@MIT.EDU', '--format', 'json'])).stdout);
    expect(u).toMatchObject({ first_name: '', last_name: '', user_group: { value: '' }, account_type: { value: 'EXTERNAL' } });
    expect(u.contact_info.address[0]).toMatchObject({ preferred: true, segment_type: 'External' });
  });

  it('trims padded values (staff_patron_xml_record_krb_and_null_values.xml)', async () => {
    const s = await store();
    const r = await s.json(['users', 'import', '--add-missing-codes', xml('staff_patron_xml_record_krb_and_null_values.xml')]);
    expect(r.code).toBe(0);
    const u = JSON.parse((await s.run(['users', 'show', 'staff_krb_name@mit.edu', '--format', 'json'])).stdout);
    expect(u).toMatchObject({ primary_id: 'STAFF_KRB_NAME@MIT.EDU', expiry_date: '2023-09-01Z', external_id: 'SIS' });
    expect(u.user_identifier[0]).toMatchObject({ value: '666666666', id_type: { value: '02' } });
  });

  it('student_patron_xml_record_all_values.xml (a single <user>) loads', async () => {
    const s = await store();
    const r = await s.json(['users', 'import', '--add-missing-codes', xml('student_patron_xml_record_all_values.xml')]);
    expect(r.code).toBe(0);
    expect(r.report?.created).toBe(1);
  });

  it.each([
    [json('error.json'), /not a user file.*Alma error response: Mandatory field is missing: library/],
    [json('job_instance.json'), /not a user file/],
    [json('job_instances.json'), /not a user file/],
    [xml('error.xml'), /not a user file: the root element <web_service_result>/],
    [xml('job_instance.xml'), /not a user file: the root element <job_instance>/],
  ])('%s is not a user file: refused with exit 2, nothing written', async (f, message) => {
    // Error envelopes and job instances are Alma files, but hold no users.
    const s = await store();
    const r = await s.run(['users', 'import', FIXTURE, f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(s.count()).toBe(1);
  });

  it('refuses malformed JSON and XML with exit 2', async () => {
    const s = await store();
    const r1 = await s.run(['users', 'import', s.file('x.json', '{"primary_id": ')]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toContain('not valid JSON');
    const r2 = await s.run(['users', 'import', s.file('x.xml', '<users><user><primary_id>1</user></users>')]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/x\.xml:1: not well-formed XML/);
  });

  it('detects the format from content when the extension says nothing, and obeys --input-format', async () => {
    const s = await store();
    const f = s.file('users.dat', '<users><user><primary_id>0099</primary_id><first_name>X</first_name></user></users>');
    const r = await s.json(['users', 'import', f]);
    expect(r.report?.files[0]!.format).toBe('alma-xml');
    const forced = await s.run(['users', 'import', '--input-format', 'csv', f]);
    expect(forced.code).toBe(2);
    expect(forced.stderr).toContain('unknown column');
  });
});
