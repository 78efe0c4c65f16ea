import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INTEROP, ROOT } from '../helpers/cli.js';
import { userStores } from '../helpers/users.js';

/** `users import` of real files from Alma (fixtures/interop): Alma JSON, Alma XML, and Alma files that hold no users. */

const store = userStores();

const FIXTURE = path.join(ROOT, 'fixtures', 'users.csv');

describe('users import: the interop files', () => {
  const json = (f: string) => path.join(INTEROP, 'alma-json', f);
  const xml = (f: string) => path.join(INTEROP, 'alma-xml', f);

  it('uio_user.json: unknown codes named; with --add-missing-codes it loads with every section', async () => {
    const s = await store();
    const r = await s.json(['users', 'import', json('uio_user.json')]);
    expect(r.code).toBe(3);
    expect(r.report?.rejections[0]!.reason).toContain('unknown user_group code "1": add it with `alma-users codes add user_group 1 \'Egne studenter\'`');
    const ok = await s.json(['users', 'import', '--add-missing-codes', json('uio_user.json')]);
    expect(ok.code).toBe(0);
    expect(ok.report?.codes_added).toEqual(expect.arrayContaining([
      { table: 'user_group', code: '1', description: 'Egne studenter' },
      { table: 'library', code: '47BIBSYS_UBO', description: 'UiO,Universitetsbiblioteket' },
      { table: 'rs_library', code: '1030310', description: 'UiO Realfagsbiblioteket' },
    ]));
    const u = await s.show('12345');
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
    expect((await s.show('1234567')).last_name).toBe('Banan');
  });

  it('doc_sample_user.json loads with --add-missing-codes, roles mapped from role_type 200 and 204', async () => {
    const s = await store();
    const r = await s.json(['users', 'import', '--add-missing-codes', json('doc_sample_user.json')]);
    expect(r.code).toBe(0);
    const u = await s.show('johns');
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
    expect(await s.ids()).toEqual(['admin']);
  });

  // Each file's second user has an empty first and last name: Alma's user details page
  // refuses to create a user without them, and so does the import (an update may leave them out).
  it.each(['staff_patrons.xml', 'student_patrons.xml'])('%s (<userRecords>) loads the named user with --add-missing-codes and rejects the nameless one', async (f) => {
    const s = await store();
    const plain = await s.json(['users', 'import', xml(f)]);
    expect(plain.code).toBe(3);
    expect(plain.report?.rejections.map((x) => x.line)).toEqual([3, expect.any(Number)]);
    const r = await s.json(['users', 'import', '--add-missing-codes', xml(f)]);
    expect(r.code).toBe(3);
    expect(r.report).toMatchObject({ created: 1, rejected: 1 });
    expect(r.report?.rejections[0]!.reason).toBe(
      "a new user needs Alma's mandatory fields First Name, Last Name and Primary Identifier; missing: First Name (first_name), Last Name (last_name)",
    );
    expect(r.report?.files).toEqual([{ file: xml(f), format: 'alma-xml', lines: f === 'staff_patrons.xml' ? 164 : 172, records: 2, warnings: [] }]);
    expect(r.report?.codes_added).toEqual(expect.arrayContaining([
      { table: 'library', code: '01MIT_INST', description: 'Massachusetts Institute of Technology' },
    ]));
  });

  it('staff_patrons.xml keeps the &amp; entity, and updates the user with an empty name and user group once it exists', async () => {
    const s = await store();
    await s.run(['users', 'import', s.file('named.csv', 'primary_id,first_name,last_name\n2STAFF_KRB_NAME@MIT.EDU,Kay,Erb\n')]);
    const r = await s.json(['users', 'import', '--add-missing-codes', xml('staff_patrons.xml')]);
    expect(r.report).toMatchObject({ created: 1, updated: 1, rejected: 0 });
    expect(r.report?.codes_added).toContainEqual({ table: 'statistic_category', code: 'NK', description: 'LL-Homeland Protection & Air Traffic Con' });
    const u = await s.show('2STAFF_KRB_NAME@MIT.EDU');
    expect(u).toMatchObject({ first_name: '', last_name: '', user_group: { value: '' }, account_type: { value: 'EXTERNAL' } });
    expect(u.contact_info.address[0]).toMatchObject({ preferred: true, segment_type: 'External' });
  });

  it('trims padded values (staff_patron_xml_record_krb_and_null_values.xml)', async () => {
    const s = await store();
    // Its user has no name: loaded as an update of a user that has one.
    await s.run(['users', 'import', s.file('named.csv', 'primary_id,first_name,last_name\nSTAFF_KRB_NAME@MIT.EDU,Kay,Erb\n')]);
    const r = await s.json(['users', 'import', '--add-missing-codes', xml('staff_patron_xml_record_krb_and_null_values.xml')]);
    expect(r.code).toBe(0);
    const u = await s.show('staff_krb_name@mit.edu');
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
    expect(await s.ids()).toEqual(['admin']);
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
