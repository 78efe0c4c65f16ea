import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { startAlmaServer, type AlmaTestServer, type Json } from './index.js';
import { almaUser, call, errorCode } from './call.js';

let alma: AlmaTestServer;
beforeAll(async () => {
  alma = await startAlmaServer({ perSecond: 1000 });
});
afterAll(() => alma.stop());

const fixture = (name: string): Json => JSON.parse(fs.readFileSync(`fixtures/interop/alma-json/${name}`, 'utf8')) as Json;

describe('Users API of the Alma test server', () => {
  it('pages GET /users with limit and offset, total_record_count and brief users', async () => {
    alma.seedUsers(Array.from({ length: 250 }, (_, i) => almaUser(`P${String(i).padStart(4, '0')}`, { last_name: 'Pager' })));
    const seen: string[] = [];
    for (let offset = 0; offset < 300; offset += 100) {
      const a = await call(alma, 'GET', `/users?q=last_name~Pager&limit=100&offset=${offset}`);
      expect(a.status).toBe(200);
      expect(a.json?.total_record_count).toBe(250);
      for (const u of (a.json?.user as Json[] | undefined) ?? []) seen.push(String(u.primary_id));
    }
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    const none = await call(alma, 'GET', '/users?q=last_name~Nobody&limit=10');
    expect(none.json).toEqual({ total_record_count: 0 });
    expect(errorCode(await call(alma, 'GET', '/users?limit=101'))).toBe('40166410');
  });

  it('searches primary_id, ALL and job_category, and finds users by any identifier', async () => {
    alma.seedUsers([almaUser('0042', { job_category: { value: 'Cataloger' } })]);
    const byId = await call(alma, 'GET', '/users?q=primary_id~0042');
    expect((byId.json?.user as Json[]).map((u) => u.primary_id)).toEqual(['0042']);
    expect((await call(alma, 'GET', '/users?q=job_category~cataloger')).json?.total_record_count).toBe(1);
    expect((await call(alma, 'GET', '/users?q=ALL~First0042')).json?.total_record_count).toBe(1);
    const got = await call(alma, 'GET', '/users/BC0042');
    expect(got.json?.primary_id).toBe('0042');
    expect(got.json?.password).toBe('');
  });

  it('answers 401861 in an envelope for an unknown user, in JSON and in XML', async () => {
    const j = await call(alma, 'GET', '/users/nope');
    expect(j.status).toBe(400);
    expect(errorCode(j)).toBe('401861');
    expect(j.json?.errorsExist).toBe(true);
    const x = await call(alma, 'GET', '/users/nope', { xml: true });
    expect(x.headers.get('content-type')).toMatch(/xml/);
    expect(x.text).toMatch(/<web_service_result[^>]*><errorsExist>true<\/errorsExist><errorList><error><errorCode>401861<\/errorCode>/);
    const user = await call(alma, 'GET', '/users/0042', { xml: true });
    expect(user.text).toMatch(/<user_identifiers><user_identifier><value>BC0042<\/value><id_type>BARCODE<\/id_type>/);
  });

  it('PUT swaps all: a list sent replaces the list, a field left out is cleared, roles kept when absent', async () => {
    alma.seedUsers([fixture('doc_sample_user.json')]);
    const current = (await call(alma, 'GET', '/users/johns')).json as Json;
    const sent: Json = { ...current, user_note: [], contact_info: { email: [{ email_address: 'new@x.org', preferred: true, email_type: [{ value: 'work' }] }] } };
    delete sent.user_role;
    delete sent.job_description;
    const a = await call(alma, 'PUT', '/users/johns', { body: sent });
    expect(a.status).toBe(200);
    const stored = alma.user('johns') as Json;
    expect(stored.user_note).toEqual([]);
    expect((stored.contact_info as Json).email).toHaveLength(1);
    expect((stored.contact_info as Json).phone).toBeUndefined();
    expect(stored.job_description).toBeUndefined();
    expect(stored.user_role).toEqual(current.user_role);
    const noRoles = await call(alma, 'PUT', '/users/johns', { body: { ...sent, user_role: [] } });
    expect(noRoles.json?.user_role).toEqual([]);
    expect(errorCode(await call(alma, 'PUT', '/users/johns', { body: { ...sent, password: 'short' } }))).toBe('500038');
    await call(alma, 'PUT', '/users/johns', { body: { ...sent, password: 'long enough 1' } });
    expect(alma.password('johns')).toBe('long enough 1');
    expect((await call(alma, 'GET', '/users/johns')).json?.password).toBe('');
  });

  it('keeps protected fields of an external user edited in Alma or sent empty, unless named in override', async () => {
    alma.seedUsers([almaUser('ext1', { account_type: { value: 'EXTERNAL' }, external_id: 'SIS', job_category: { value: 'Staff' } })]);
    alma.editInAlma('ext1', { user_group: { value: 'GRAD', desc: 'Graduate' } });
    const body = { ...alma.user('ext1'), user_group: { value: 'UG' }, job_category: { value: '' }, first_name: 'Changed' };
    await call(alma, 'PUT', '/users/ext1', { body });
    let stored = alma.user('ext1') as Json;
    expect(stored.user_group).toEqual({ value: 'GRAD', desc: 'Graduate' });
    expect(stored.job_category).toEqual({ value: 'Staff' });
    expect(stored.first_name).toBe('Changed');
    await call(alma, 'PUT', '/users/ext1?override=user_group,job_category', { body });
    stored = alma.user('ext1') as Json;
    expect(stored.user_group).toEqual({ value: 'UG' });
    expect(stored.job_category).toEqual({ value: '' });
    const internal = { ...body, account_type: { value: 'INTERNAL' } };
    expect(errorCode(await call(alma, 'PUT', '/users/ext1', { body: internal }))).toBe('401859');
    expect(errorCode(await call(alma, 'PUT', '/users/ext1', { body: { ...body, external_id: 'OTHER' } }))).toBe('401858');
  });

  it('an internal user gets every field replaced, protected or not', async () => {
    alma.seedUsers([almaUser('int1')]);
    alma.editInAlma('int1', { user_group: { value: 'GRAD' } });
    await call(alma, 'PUT', '/users/int1', { body: { ...alma.user('int1'), user_group: { value: 'STAFF' } } });
    expect(alma.user('int1')?.user_group).toEqual({ value: 'STAFF' });
  });

  it('POST creates with Alma\'s checks, DELETE answers 204', async () => {
    expect(errorCode(await call(alma, 'POST', '/users', { body: almaUser('0042') }))).toBe('401851');
    expect(errorCode(await call(alma, 'POST', '/users', { body: { ...almaUser('n1'), last_name: '' } }))).toBe('401664');
    expect(errorCode(await call(alma, 'POST', '/users', { body: { ...almaUser('n1'), external_id: 'X' } }))).toBe('401853');
    expect(errorCode(await call(alma, 'POST', '/users', { body: almaUser('n1', { account_type: { value: 'EXTERNAL' } }) }))).toBe('401854');
    expect((await call(alma, 'POST', '/users', { body: almaUser('n1') })).status).toBe(200);
    expect((await call(alma, 'DELETE', '/users/n1')).status).toBe(204);
    expect(errorCode(await call(alma, 'DELETE', '/users/n1'))).toBe('401890');
  });
});
