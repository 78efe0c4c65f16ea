import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempStores } from '../helpers/cli.js';

const store = tempStores();
const FIXTURE = path.join(ROOT, 'fixtures', 'users.csv');
const QUERY = 'user_group = "FACULTY"';

async function withUsers() {
  const s = await store();
  expect((await s.run(['users', 'import', FIXTURE])).code).toBe(0);
  const faculty = (JSON.parse((await s.run(['users', 'list', '--query', QUERY, '--format', 'json'])).stdout) as { primary_id: string }[])
    .map((u) => u.primary_id);
  const everyone = (JSON.parse((await s.run(['users', 'list', '--format', 'json'])).stdout) as unknown[]).length;
  // A query that picks a few: one that matched everyone or no one would prove nothing.
  expect(faculty.length).toBeGreaterThan(1);
  expect(faculty.length).toBeLessThan(everyone);
  return { ...s, faculty };
}

/** The primary IDs an export holds, read from it in its own format. */
const IDS: Record<string, (text: string) => { ids: string[]; total?: number }> = {
  'alma-json': (t) => {
    const j = JSON.parse(t) as { total_record_count: number; user: { primary_id: string }[] };
    return { ids: j.user.map((u) => u.primary_id), total: j.total_record_count };
  },
  ndjson: (t) => ({ ids: t.trim().split('\n').map((l) => (JSON.parse(l) as { primary_id: string }).primary_id) }),
  csv: (t) => ({ ids: t.trim().split('\n').slice(1).map((l) => l.split(',')[0]!) }),
  'alma-xml': (t) => ({
    ids: [...t.matchAll(/<primary_id>([^<]*)<\/primary_id>/g)].map((m) => m[1]!),
    total: Number(/total_record_count="(\d+)"/.exec(t)![1]),
  }),
};

describe('users export --query', () => {
  it.each(Object.keys(IDS))('writes only the matching users, to stdout, as %s', async (to) => {
    const s = await withUsers();
    const r = await s.run(['users', 'export', '--query', QUERY, '--to', to]);
    expect(r.code, r.stderr).toBe(0);
    const got = IDS[to]!(r.stdout);
    expect(got.ids).toEqual(s.faculty);
    if (got.total !== undefined) expect(got.total).toBe(s.faculty.length);
    expect(r.stderr).toContain(`exported ${s.faculty.length} users (${to}) matching --query`);
  });

  it('writes them to a file with -o, and an empty export when nothing matches', async () => {
    const s = await withUsers();
    const file = path.join(s.dir, 'faculty.json');
    expect((await s.run(['users', 'export', '--query', QUERY, '-o', file])).code).toBe(0);
    expect(IDS['alma-json']!(fs.readFileSync(file, 'utf8')).ids).toEqual(s.faculty);
    const none = await s.run(['users', 'export', '--query', 'user_group = "NOBODY"']);
    expect(none.code).toBe(0);
    expect(JSON.parse(none.stdout)).toEqual({ total_record_count: 0, user: [] });
  });

  it('refuses a bad query before writing anything (exit 2, no file)', async () => {
    const s = await withUsers();
    const file = path.join(s.dir, 'out.csv');
    const r = await s.run(['users', 'export', '--query', 'expiry_date <', '--to', 'csv', '-o', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('query');
    expect(r.stdout).toBe('');
    expect(fs.existsSync(file)).toBe(false);
  });
});
