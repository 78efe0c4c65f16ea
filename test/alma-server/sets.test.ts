import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlmaServer, type AlmaTestServer, type Json } from './index.js';
import { almaUser, call, errorCode } from './call.js';

let alma: AlmaTestServer;
beforeAll(async () => {
  alma = await startAlmaServer({ perSecond: 1000 });
  alma.seedUsers(Array.from({ length: 1500 }, (_, i) => almaUser(`S${String(i).padStart(4, '0')}`)));
});
afterAll(() => alma.stop());

const members = (ids: string[]) => ({ members: { member: ids.map((id) => ({ id })) } });
const ids = (from: number, n: number) => Array.from({ length: n }, (_, i) => `S${String(from + i).padStart(4, '0')}`);
const newSet = async (name: string): Promise<string> => {
  const a = await call(alma, 'POST', '/conf/sets', {
    body: { name, type: { value: 'ITEMIZED' }, content: { value: 'USER' }, private: { value: 'false' } },
  });
  expect(a.status).toBe(200);
  return String(a.json?.id);
};

describe('Sets API of the Alma test server', () => {
  it('creates an itemized USER set, adds at most 1,000 members a call, lists and deletes it', async () => {
    const id = await newSet('push job 12');
    const tooMany = await call(alma, 'POST', `/conf/sets/${id}?op=add_members`, { body: members(ids(0, 1001)) });
    expect(tooMany.status).toBe(400);
    expect(errorCode(tooMany)).toBe('60118');
    expect(alma.set(id)?.members).toEqual([]);
    const first = await call(alma, 'POST', `/conf/sets/${id}?op=add_members`, { body: members(ids(0, 1000)) });
    expect((first.json?.number_of_members as Json).value).toBe('1000');
    await call(alma, 'POST', `/conf/sets/${id}?op=add_members`, { body: members(ids(1000, 500)) });
    expect(alma.set(id)?.members).toHaveLength(1500);
    const page = await call(alma, 'GET', `/conf/sets/${id}/members?limit=100&offset=1400`);
    expect(page.json?.total_record_count).toBe(1500);
    expect((page.json?.member as Json[]).map((m) => m.id)).toEqual(ids(1400, 100));
    const found = await call(alma, 'GET', '/conf/sets?content_type=USER&q=name~JOB%2012');
    expect((found.json?.set as Json[]).map((s) => s.id)).toEqual([id]);
    expect((await call(alma, 'DELETE', `/conf/sets/${id}`)).status).toBe(204);
    expect(errorCode(await call(alma, 'GET', `/conf/sets/${id}`))).toBe('60107');
  });

  it('checks members as documented: unknown, duplicate, already in, not in, operation', async () => {
    const id = await newSet('checks');
    expect(errorCode(await call(alma, 'POST', `/conf/sets/${id}?op=add_members`, { body: members(['S0001', 'nobody']) }))).toBe('60116');
    expect(errorCode(await call(alma, 'POST', `/conf/sets/${id}?op=add_members`, { body: members(['S0001', 's0001']) }))).toBe('60119');
    expect(errorCode(await call(alma, 'POST', `/conf/sets/${id}?op=add_members`, { body: members([]) }))).toBe('60113');
    expect(errorCode(await call(alma, 'POST', `/conf/sets/${id}?op=merge`, { body: members(['S0001']) }))).toBe('60111');
    await call(alma, 'POST', `/conf/sets/${id}?op=add_members&fail_on_invalid_id=false`, { body: members(['S0001', 'nobody', 'BCS0002']) });
    expect(alma.set(id)?.members).toEqual(['S0001', 'S0002']);
    expect(errorCode(await call(alma, 'POST', `/conf/sets/${id}?op=add_members`, { body: members(['S0002']) }))).toBe('60115');
    expect(errorCode(await call(alma, 'POST', `/conf/sets/${id}?op=delete_members`, { body: members(['S0003']) }))).toBe('60117');
    await call(alma, 'POST', `/conf/sets/${id}?op=delete_members`, { body: members(['S0001']) });
    expect(alma.set(id)?.members).toEqual(['S0002']);
    await call(alma, 'POST', `/conf/sets/${id}?op=replace_members`, { body: members(['S0005', 'S0006']) });
    expect(alma.set(id)?.members).toEqual(['S0005', 'S0006']);
  });

  it('refuses a set that is not itemized or not of users, and answers XML with the members list', async () => {
    const logical = await call(alma, 'POST', '/conf/sets', { body: { name: 'x', type: { value: 'LOGICAL' }, content: { value: 'USER' } } });
    expect(errorCode(logical)).toBe('60112');
    const bibs = await call(alma, 'POST', '/conf/sets', { body: { name: 'x', type: { value: 'ITEMIZED' }, content: { value: 'BIB_MMS' } } });
    expect(errorCode(bibs)).toBe('60112');
    const id = await newSet('xml');
    await call(alma, 'POST', `/conf/sets/${id}?op=add_members`, { body: members(['S0007']) });
    const xml = await call(alma, 'GET', `/conf/sets/${id}/members`, { xml: true });
    expect(xml.text).toMatch(/<members total_record_count="1"><member link="[^"]+"><id>S0007<\/id>/);
  });
});
