import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempStores } from '../helpers/cli.js';
import { jsonOf } from '../helpers/sets-users.js';

const store = tempStores();
const FIXTURE = path.join(ROOT, 'fixtures', 'users.csv');

interface SetJson {
  name: string;
  kind: string;
  members: number | null;
}

async function withUsers() {
  const s = await store();
  expect((await s.run(['users', 'import', FIXTURE])).code).toBe(0);
  const ids = async (args: string[]) => jsonOf<{ primary_id: string }[]>(await s.run([...args, '--format', 'json'])).map((u) => u.primary_id);
  return { ...s, ids };
}

describe('users list --save-set NAME', () => {
  it('saves what the listing matched, every filter together, as an itemized set and reports its count', async () => {
    const s = await withUsers();
    const filters = ['--job-category', 'cataloger', '--status', 'active', '--record-type', 'staff'];
    const listed = await s.ids(['users', 'list', ...filters]);
    expect(listed.length).toBeGreaterThan(1);
    const r = await s.run(['users', 'list', ...filters, '--save-set', 'active catalogers', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(jsonOf<SetJson>(r)).toMatchObject({ name: 'active catalogers', kind: 'itemized', members: listed.length });
    expect(r.stderr).toContain(`saved ${listed.length} user(s) as itemized set active catalogers`);
    expect(await s.ids(['set', 'members', 'active catalogers'])).toEqual(listed);
  });

  it('follows --query and --limit as the listing does: the first N in primary-ID order', async () => {
    const s = await withUsers();
    const query = ['--query', 'user_group IN ("GRAD", "UNDERGRAD", "FACULTY")'];
    const all = await s.ids(['users', 'list', ...query]);
    expect(all.length).toBeGreaterThan(3);
    const r = await s.run(['users', 'list', ...query, '--limit', '3', '--save-set', 'first-three']);
    expect(r.code, r.stderr).toBe(0);
    expect(await s.ids(['set', 'members', 'first-three'])).toEqual(all.slice(0, 3));
  });

  it('is itemized: a user who matches later is not a member', async () => {
    const s = await withUsers();
    expect((await s.run(['users', 'list', '--user-group', 'GRAD', '--save-set', 'grads'])).code).toBe(0);
    const before = await s.ids(['set', 'members', 'grads']);
    const more = s.file('more.csv', 'primary_id,first_name,last_name,user_group\ns1999999,New,Student,GRAD\n');
    expect((await s.run(['users', 'import', more])).code).toBe(0);
    expect(await s.ids(['users', 'list', '--user-group', 'GRAD'])).toContain('s1999999');
    expect(await s.ids(['set', 'members', 'grads'])).toEqual(before);
  });

  it('creates the set empty, with a warning naming the filter, when nothing matches', async () => {
    const s = await withUsers();
    const r = await s.run(['users', 'list', '--query', 'user_group = "NOBODY"', '--save-set', 'empty', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`warning: no users match --query 'user_group = "NOBODY"': set empty was created empty`);
    expect(jsonOf<SetJson>(r).members).toBe(0);
  });

  it('refuses a taken name, a bad query or an unknown code and leaves the sets as they were', async () => {
    const s = await withUsers();
    expect((await s.run(['users', 'list', '--user-group', 'FACULTY', '--save-set', 'faculty'])).code).toBe(0);
    const members = await s.ids(['set', 'members', 'faculty']);
    const taken = await s.run(['users', 'list', '--save-set', 'FACULTY']);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('a set named FACULTY already exists');
    const badQuery = await s.run(['users', 'list', '--query', 'user_group =', '--save-set', 'bad']);
    expect(badQuery.code).toBe(2);
    const badCode = await s.run(['users', 'list', '--user-group', 'NOSUCH', '--save-set', 'bad']);
    expect(badCode.code).toBe(2);
    expect(badCode.stderr).toContain('--user-group');
    expect(jsonOf<SetJson[]>(await s.run(['set', 'list', '--format', 'json'])).map((x) => x.name)).toEqual(['faculty']);
    expect(await s.ids(['set', 'members', 'faculty'])).toEqual(members);
  });

  it('needs an operator who may create sets', async () => {
    const s = await withUsers();
    const r = await s.run(['users', 'list', '--save-set', 'mine', '--operator', '0012345']);
    expect(r.code).toBe(4);
    expect(jsonOf<SetJson[]>(await s.run(['set', 'list', '--format', 'json']))).toEqual([]);
  });
});
