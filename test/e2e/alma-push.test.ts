import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { almaRigs, API_KEY, essentials, type AlmaRig } from '../helpers/alma.js';

/**
 * alma pull and alma push against the Alma test server (test/alma-server): 2,000 users
 * pulled, a local job pushed by Alma's own job and by PUT, Alma's records then equal to
 * what `users show` shows; a user changed in Alma since the pull is a conflict left alone.
 */

const rig = almaRigs();

interface PushJson {
  plan?: { method: string; why: string; calls: number };
  push: { state: string; method: string; users: Record<string, number>; calls: number; conflicts: { primary_id: string; detail: { field: string }[] }[] } | null;
}

async function localJob(r: AlmaRig, set: string, args: string[]): Promise<string> {
  const j = await r.json<{ id: string; status: string }>(['job', 'run', 'update-notify', '--set', set, ...args]);
  expect(j.json.status).toBe('Completed Successfully');
  return j.json.id;
}

async function sameAsShown(r: AlmaRig, ids: string[]): Promise<void> {
  for (const id of ids) {
    const shown = await r.json<Record<string, unknown>>(['users', 'show', id]);
    expect(essentials(r.alma.user(id)), id).toEqual(essentials(shown.json));
  }
}

describe('alma pull and push', () => {
  it('pulls 2,000 users, pushes a job by Alma job and another by PUT; Alma then holds what users show shows', async () => {
    const r = await rig({ users: 2000 });
    const pulled = await r.json<{ listed: number; fetched: number; created: number; failed: number; calls: number }>(['alma', 'pull', '--all']);
    expect(pulled.code).toBe(0);
    expect(pulled.json).toMatchObject({ listed: 2000, fetched: 2000, created: 2000, failed: 0, calls: 2020 });
    await sameAsShown(r, ['A00001', 'A01000', 'A02000']);

    expect((await r.run(['set', 'create', 'first', '--public', '--from-file', '-'], { input: Array.from({ length: 1500 }, (_, k) => `A${String(k + 1).padStart(5, '0')}`).join('\n') })).code).toBe(0);
    const job = await localJob(r, 'first', ['--user-group', 'GRAD', '--expiry-date', '2031-01-31', '--add-note', 'moved to GRAD']);
    const plan = await r.json<PushJson>(['alma', 'push', job, '--dry-run']);
    expect(plan.json.plan).toMatchObject({ method: 'job', calls: 5 });
    expect(r.alma.stats().byRoute['POST /conf/sets'] ?? 0).toBe(0);

    r.alma.resetStats();
    const pushed = await r.json<PushJson>(['alma', 'push', job]);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.json.push).toMatchObject({ method: 'job', state: 'done', users: { pushed: 1500, pending: 0, conflict: 0, failed: 0 } });
    // A set, two calls of members, the run, a few polls, the set removed: no call per user.
    expect(r.alma.stats().byRoute['POST /conf/sets/{id}']).toBe(2);
    expect(r.alma.stats().byRoute['GET /users/{id}'] ?? 0).toBe(0);
    expect(r.alma.sets()).toEqual([]);
    await sameAsShown(r, ['A00001', 'A00750', 'A01500', 'A01501']);
    const shown = await r.json<{ alma_push: { state: string; method: string } }>(['job', 'show', job]);
    expect(shown.json.alma_push).toMatchObject({ state: 'done', method: 'job' });

    // A second job, pushed by PUT: two calls a user, the records again as users show has them.
    expect((await r.run(['set', 'create', 'few', '--public', '--from-file', '-'], { input: 'A00010\nA00020\nA01990\n' })).code).toBe(0);
    const second = await localJob(r, 'few', ['--user-group', 'STAFF', '--add-statistic', 'RESEARCHER']);
    r.alma.resetStats();
    const put = await r.json<PushJson>(['alma', 'push', second, '--method', 'put']);
    expect(put.json.push).toMatchObject({ state: 'done', users: { pushed: 3 }, calls: 6 });
    expect(r.alma.stats().byRoute['PUT /users/{id}']).toBe(3);
    await sameAsShown(r, ['A00010', 'A00020', 'A01990']);

    // Pushed is pushed: the same command again makes no call.
    r.alma.resetStats();
    expect((await r.run(['alma', 'push', second])).code).toBe(0);
    expect(r.alma.stats().calls).toBe(0);
  }, 120_000);

  it('auto says why it chooses PUT; a user changed in Alma since the pull is a conflict, left as Alma has it', async () => {
    const r = await rig({ users: 5 });
    expect((await r.run(['alma', 'pull', '--all'])).code).toBe(0);
    expect((await r.run(['set', 'create', 'all', '--public', '--query', 'user_group = "UNDERGRAD"'])).code).toBe(0);
    const job = await localJob(r, 'all', ['--job-category', 'Systems', '--user-group', 'FACULTY']);
    r.alma.editInAlma('A00002', { user_group: { value: 'ALUMNI', desc: 'Alumni' } });
    const pushed = await r.json<PushJson>(['alma', 'push', job]);
    expect(pushed.code).toBe(3);
    expect(pushed.stderr).toContain("push by put: not every action maps to Alma's job: --job-category: Alma's Update/Notify Users job has no job category parameter");
    expect(pushed.json.push).toMatchObject({ method: 'put', state: 'done', users: { pushed: 4, conflict: 1, pending: 0 } });
    expect(pushed.json.push!.conflicts).toEqual([expect.objectContaining({ primary_id: 'A00002', detail: [expect.objectContaining({ field: 'user_group', alma: 'ALUMNI', job: 'FACULTY' })] })]);
    expect(essentials(r.alma.user('A00002')).user_group).toBe('ALUMNI');
    expect(essentials(r.alma.user('A00003')).user_group).toBe('FACULTY');
    const table = await r.run(['alma', 'push', job, '--status']);
    expect(table.stdout).toMatch(/A00002\s+user_group\s+ALUMNI\s+FACULTY/);
  }, 60_000);

  it('a job whose actions do not map cannot be pushed by job; external users get override= for the protected fields the job changed', async () => {
    const r = await rig();
    r.alma.seedUsers([{ ...(await import('../helpers/alma.js')).almaUser(1), account_type: { value: 'EXTERNAL' }, external_id: 'SIS' }]);
    expect((await r.run(['alma', 'pull', '--all'])).code).toBe(0);
    r.alma.editInAlma('A00001', { campus_code: { value: 'MAIN' } });
    expect((await r.run(['alma', 'pull', '--all'])).code).toBe(0);
    expect((await r.run(['set', 'create', 'ext', '--public', '--from-file', '-'], { input: 'A00001\n' })).code).toBe(0);
    const job = await localJob(r, 'ext', ['--job-category', 'Systems', '--campus', 'MAIN', '--user-group', 'GRAD']);
    const refused = await r.run(['alma', 'push', job, '--method', 'job']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--job-category');
    expect((await r.run(['alma', 'push', job])).code).toBe(0);
    expect(r.alma.requests().find((q) => q.method === 'PUT')?.path).toMatch(/override=user_group(%2C|,)job_category/);
    expect(essentials(r.alma.user('A00001')).user_group).toBe('GRAD');
  }, 60_000);
});

describe('the API key', () => {
  it('comes from a 0600 file or the environment, and is in no output, message or store file', async () => {
    const r = await rig({ users: 3 });
    const file = r.s.file('alma.key', `${API_KEY}\n`);
    fs.chmodSync(file, 0o644);
    const open = await r.run(['alma', 'status'], { env: { ALMA_API_KEY: '', ALMA_API_KEY_FILE: file } });
    expect(open.code).toBe(2);
    expect(open.stderr).toContain('must be mode 0600');
    fs.chmodSync(file, 0o600);
    const outputs = [await r.run(['alma', 'status'], { env: { ALMA_API_KEY: '', ALMA_API_KEY_FILE: file } })];
    expect(outputs[0]!.code).toBe(0);
    outputs.push(await r.run(['alma', 'pull', '--all', '--format', 'json']));
    outputs.push(await r.run(['alma', 'config']));
    const wrong = await r.run(['alma', 'status'], { env: { ALMA_API_KEY: 'not-the-key' } });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/401/);
    expect(wrong.stderr).not.toContain('not-the-key');
    outputs.push(wrong);
    expect((await r.run(['set', 'create', 'all', '--public', '--query', 'user_group = "UNDERGRAD"'])).code).toBe(0);
    const job = await r.json<{ id: string }>(['job', 'run', 'update-notify', '--set', 'all', '--user-group', 'GRAD']);
    outputs.push(await r.run(['alma', 'push', job.json.id, '--method', 'put', '--progress']));
    outputs.push(await r.run(['job', 'show', job.json.id, '--format', 'json']), await r.run(['alma', 'push', job.json.id, '--status']));
    for (const o of outputs) expect(o.stdout + o.stderr).not.toContain(API_KEY);
    for (const f of fs.readdirSync(r.s.dir).filter((n) => n.startsWith('store.db'))) {
      expect(fs.readFileSync(`${r.s.dir}/${f}`).includes(API_KEY), f).toBe(false);
    }
    expect(r.alma.stats().keyInQuery).toBe(0);
  }, 60_000);

  it('holding a line break or a control character is refused without being shown, from the environment or the file', async () => {
    const r = await rig({ users: 1 });
    const file = r.s.file('alma.key', `${API_KEY}\u0000\n`);
    fs.chmodSync(file, 0o600);
    for (const env of [{ ALMA_API_KEY: `${API_KEY}\nX-Evil: 1` }, { ALMA_API_KEY: `${API_KEY}\u001b` }, { ALMA_API_KEY: '', ALMA_API_KEY_FILE: file }]) {
      const o = await r.run(['alma', 'status'], { env });
      expect(o.code).toBe(2);
      expect(o.stderr).toMatch(/the key holds a space, a line break, a control character/);
      expect(o.stdout + o.stderr).not.toContain(API_KEY);
    }
    expect(r.alma.requests()).toHaveLength(0);
  }, 60_000);
});
