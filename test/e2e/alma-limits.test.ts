import { describe, expect, it } from 'vitest';
import { almaRigs, type AlmaRig } from '../helpers/alma.js';

/** Alma's limits during a push: a 429 storm waited out, the daily quota and its floor stopping cleanly, the push finished later. */

const rig = almaRigs();

interface PushJson {
  push: { state: string; users: Record<string, number>; note: string | null };
}

/** A store with `n` users pulled and a finished local job that changed them all; its id. */
async function pulledAndChanged(r: AlmaRig): Promise<string> {
  expect((await r.run(['alma', 'pull', '--all'])).code).toBe(0);
  expect((await r.run(['set', 'create', 'all', '--public', '--query', 'user_group = "UNDERGRAD"'])).code).toBe(0);
  const j = await r.json<{ id: string }>(['job', 'run', 'update-notify', '--set', 'all', '--user-group', 'GRAD', '--job-category', 'Systems']);
  return j.json.id;
}

/** Successful PUTs per user, from the server's log. */
function putsPerUser(r: AlmaRig): Map<string, number> {
  const n = new Map<string, number>();
  for (const q of r.alma.requests()) {
    if (q.method !== 'PUT' || q.status !== 200) continue;
    const id = /\/users\/([^?]+)/.exec(q.path)![1]!;
    n.set(id, (n.get(id) ?? 0) + 1);
  }
  return n;
}

describe('within the limits', () => {
  it('waits out a storm of 429 PER_SECOND_THRESHOLD answers and pushes every user once', async () => {
    const r = await rig({ users: 40 });
    const job = await pulledAndChanged(r);
    r.alma.resetStats();
    r.alma.storm(25);
    const pushed = await r.json<PushJson>(['alma', 'push', job]);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.json.push.users).toMatchObject({ pushed: 40, pending: 0, failed: 0 });
    expect(r.alma.stats().rejected429).toBe(25);
    expect([...putsPerUser(r).values()]).toEqual(Array(40).fill(1));
  }, 60_000);

  it('stops when the daily quota runs out (exit 3, the rest pending) and the same push finishes later without a second PUT', async () => {
    const r = await rig({ users: 60 });
    expect((await r.run(['alma', 'config', '--quota-floor', '0'])).code).toBe(0);
    const job = await pulledAndChanged(r);
    r.alma.resetStats();
    r.alma.setRemaining(41);
    const first = await r.json<PushJson>(['alma', 'push', job]);
    expect(first.code).toBe(3);
    expect(first.stderr).toContain('DAILY_THRESHOLD');
    expect(first.json.push.state).toBe('stopped');
    const { pushed, pending } = first.json.push.users;
    expect(pushed).toBeGreaterThan(0);
    expect(pending).toBe(60 - pushed!);
    const status = await r.json<PushJson>(['alma', 'push', job, '--status']);
    expect(status.json.push.users.pending).toBe(pending);
    const show = await r.run(['job', 'show', job]);
    expect(show.stdout).toContain(`finish it with: alma-users alma push ${job}`);

    r.alma.setRemaining(100_000);
    const second = await r.json<PushJson>(['alma', 'push', job]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.json.push).toMatchObject({ state: 'done', users: { pushed: 60, pending: 0 } });
    expect([...putsPerUser(r).values()]).toEqual(Array(60).fill(1));
  }, 60_000);

  it('stops cleanly when the calls left today fall under the floor', async () => {
    const r = await rig({ users: 30 });
    const job = await pulledAndChanged(r);
    r.alma.setRemaining(1020);
    const stopped = await r.json<PushJson>(['alma', 'push', job]);
    expect(stopped.code).toBe(3);
    expect(stopped.stderr).toMatch(/calls are left today, under the floor of 1000/);
    expect(stopped.json.push.users.pending).toBeGreaterThan(0);
    // Only the calls already in flight when the floor was crossed go below it.
    expect(r.alma.remaining()).toBeGreaterThan(950);
  }, 60_000);

  it('retries a 5xx and a dropped connection on GET and PUT, and names errorCode and trackingId when Alma refuses', async () => {
    const r = await rig({ users: 5 });
    const job = await pulledAndChanged(r);
    r.alma.failNext(2, 503);
    r.alma.dropNext(1);
    expect((await r.run(['alma', 'push', job])).code).toBe(0);
    r.alma.deleteUser('A00003');
    const pull = await r.run(['alma', 'pull', '--query', 'primary_id~A0000*']);
    expect(pull.code).toBe(0);
    const ids = r.s.file('ids.txt', 'A00003\n');
    const gone = await r.json<{ failures: { primary_id: string; reason: string }[] }>(['alma', 'pull', '--from-file', ids]);
    expect(gone.code).toBe(3);
    expect(gone.json.failures[0]).toMatchObject({ primary_id: 'A00003', reason: expect.stringMatching(/^401861: /) });
  }, 60_000);
});
