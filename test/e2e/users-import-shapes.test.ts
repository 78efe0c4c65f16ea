import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { passwordHash } from '../helpers/jobs.js';
import { userStores } from '../helpers/users.js';

/**
 * `users import` of Alma JSON and XML values in a shape the reader cannot read (a list where
 * one value belongs, an object without `value`, an element inside a text element): such a
 * value was read as given empty, clearing the field of an existing user or putting it back
 * to its default with exit 0. The record is rejected, naming the field; the others load.
 */

const store = userStores();

const FIXTURE = path.join(ROOT, 'fixtures', 'users.csv');

/** The fixture loaded, and 0012345 made INACTIVE, so that a reset to the default ACTIVE shows. */
async function seeded() {
  const s = await store();
  expect((await s.run(['users', 'import', FIXTURE])).code).toBe(0);
  expect((await s.run(['users', 'import', s.file('inactive.json', '{"primary_id": "0012345", "status": "INACTIVE"}')])).code).toBe(0);
  return s;
}

describe('users import: values in a shape the reader cannot read', () => {
  it('rejects a JSON list or object without "value", naming the field and the shape expected; the stored user is unchanged', async () => {
    const s = await seeded();
    const before = await s.show('0012345');
    expect(before).toMatchObject({ status: { value: 'INACTIVE' }, last_name: 'Lovelace', user_group: { value: 'STAFF' }, expiry_date: '2028-06-30Z' });
    const f = s.file('shapes.json', JSON.stringify([
      { primary_id: '0012345', status: ['INACTIVE'] },
      { primary_id: '0012345', user_group: ['FACULTY'] },
      { primary_id: '0012345', last_name: { text: 'Byron' } },
      { primary_id: '0012345', expiry_date: { date: '2030-01-01' } },
      { primary_id: '0012345', record_type: { code: 'STAFF' } },
      { primary_id: '0012345', job_category: { value: ['Cataloger'] } },
      { primary_id: '0012345', contact_info: { email: [{ email_address: 'ada@example.edu', email_type: [['work']] }] } },
      { primary_id: '0012345', force_password_change: [] },
      { primary_id: '0012346', first_name: 'Grace B.' },
    ]));
    for (const args of [['--dry-run', f], [f]]) {
      const r = await s.json(['users', 'import', ...args]);
      expect(r.code).toBe(3);
      expect(r.report).toMatchObject({ updated: 1, rejected: 8 });
      expect(r.report?.rejections.map((x) => [x.record, x.primary_id, x.reason])).toEqual([
        [1, '0012345', 'status: expected "INACTIVE" or {"value": "INACTIVE"}, found a list'],
        [2, '0012345', 'user_group: expected "FACULTY" or {"value": "FACULTY"}, found a list'],
        [3, '0012345', 'last_name: expected "Byron" or {"value": "Byron"}, found an object without "value" ("text")'],
        [4, '0012345', 'expiry_date: expected "2030-01-01" or {"value": "2030-01-01"}, found an object without "value" ("date")'],
        [5, '0012345', 'record_type: expected "STAFF" or {"value": "STAFF"}, found an object without "value" ("code")'],
        [6, '0012345', 'job_category: expected "Cataloger" or {"value": "Cataloger"}, found a list in "value"'],
        [7, '0012345', 'email 1 email_type 1: expected "work" or {"value": "work"}, found a list'],
        [8, '0012345', 'force_password_change: expected true or false, found a list'],
      ]);
    }
    expect(await s.show('0012345')).toEqual(before);
    expect((await s.show('0012346')).first_name).toBe('Grace B.');
  });

  it('rejects an XML element inside a text element, a repeated element and a list wrapper holding other elements, by line', async () => {
    const s = await seeded();
    const before = await s.show('0012345');
    const f = s.file('shapes.xml', [
      '<users>',
      '<user><primary_id>0012345</primary_id><last_name><b>Byron</b></last_name></user>',
      '<user><primary_id>0012345</primary_id><status><code>ACTIVE</code></status></user>',
      '<user><primary_id>0012345</primary_id><status>ACTIVE</status><status>INACTIVE</status></user>',
      '<user><primary_id>0012345</primary_id><contact_info><emails><mail>x@example.edu</mail></emails></contact_info></user>',
      '<user><primary_id>0012346</primary_id><first_name>Grace B.</first_name></user>',
      '</users>',
    ].join('\n'));
    const r = await s.json(['users', 'import', f]);
    expect(r.code).toBe(3);
    expect(r.report).toMatchObject({ updated: 1, rejected: 4 });
    expect(r.report?.rejections.map((x) => [x.line, x.primary_id, x.reason])).toEqual([
      [2, '0012345', 'last_name: expected text, as <last_name>Byron</last_name>, found <b> inside it'],
      [3, '0012345', 'status: expected text, as <status>ACTIVE</status>, found <code> inside it'],
      [4, '0012345', 'status: expected text, as <status>ACTIVE</status>, found 2 <status> elements'],
      [5, '0012345', 'emails: expected <email> elements in one <emails>, found <mail>'],
    ]);
    expect(await s.show('0012345')).toEqual(before);
    expect((await s.show('0012346')).first_name).toBe('Grace B.');
  });

  it('rejects a password that is not text, in JSON and XML, without showing it', async () => {
    const s = await seeded();
    expect((await s.run(['users', 'import', s.file('set.json', '{"primary_id": "0012345", "password": "Old-pass-1"}')])).code).toBe(0);
    const hash = passwordHash(s.db, '0012345');
    expect(hash).toMatch(/^scrypt\$/);
    const json = await s.json(['users', 'import', s.file('pw.json', '[{"primary_id": "0012345", "password": ["x"]}, {"primary_id": "0012346", "password": 20240101}]')]);
    expect(json.code).toBe(3);
    expect(json.report?.rejections.map((x) => [x.primary_id, x.reason])).toEqual([
      ['0012345', 'password: expected a string, found a list'],
      ['0012346', 'password: expected a string, found a number'],
    ]);
    const xml = await s.json(['users', 'import', s.file('pw.xml', '<user><primary_id>0012345</primary_id><password><p>secret1</p></password></user>')]);
    expect(xml.report?.rejections.map((x) => x.reason)).toEqual(['password: expected text, as <password>...</password>, found <p> inside it']);
    expect(JSON.stringify([json.report, xml.report])).not.toMatch(/20240101|secret1/);
    expect(passwordHash(s.db, '0012345')).toBe(hash);
    expect(passwordHash(s.db, '0012346')).toBeNull();
  });

  it('keeps reading an explicitly empty value as empty: "", null, {"value": ""}, {"desc": ""} and an empty XML element clear the field', async () => {
    const s = await seeded();
    const json = await s.json(['users', 'import', s.file('empty.json', JSON.stringify(
      { primary_id: '0012345', middle_name: '', job_description: null, job_category: { value: '', desc: '' }, campus_code: { desc: '' } },
    ))]);
    expect(json.code).toBe(0);
    expect(json.report).toMatchObject({ updated: 1, rejected: 0 });
    const xml = await s.json(['users', 'import', s.file('empty.xml', '<user><primary_id>0012346</primary_id><middle_name/><campus_code desc=""/><contact_info><emails/></contact_info></user>')]);
    expect(xml.code).toBe(0);
    expect(xml.report).toMatchObject({ updated: 1, rejected: 0 });
    const [ada, grace] = [await s.show('0012345'), await s.show('0012346')];
    expect(ada).toMatchObject({ job_description: '', job_category: { value: '' }, campus_code: { value: '' } });
    expect(grace).toMatchObject({ middle_name: '', campus_code: { value: '' } });
    expect(grace.contact_info.email).toEqual([]);
  });
});
