import { expect, it } from 'vitest';
import { spawnCli } from '../helpers/cli.js';
import { almaRigs } from '../helpers/alma.js';

/**
 * kill -9 during `alma push` (the built CLI, after `npm run build`), then the same command:
 * it finishes the push, and no user whose success was recorded is PUT again. And a second
 * push of the same job while the first one's process lives is refused.
 */

const rig = almaRigs();

interface StatusJson {
  push: { state: string; users: Record<string, number> };
}

type Rig = Awaited<ReturnType<typeof rig>>;

/** The pulled users' job (their user group changed, with `actions`), to push at 20 calls/s against a server 30 ms slow. */
async function jobToPush(r: Rig, actions: string[]): Promise<string> {
  expect((await r.run(['alma', 'pull', '--all'])).code).toBe(0);
  expect((await r.run(['set', 'create', 'all', '--public', '--query', 'user_group = "UNDERGRAD"'])).code).toBe(0);
  const job = (await r.json<{ id: string }>(['job', 'run', 'update-notify', '--set', 'all', '--user-group', 'GRAD', ...actions])).json.id;
  expect((await r.run(['alma', 'config', '--rate', '20'])).code).toBe(0);
  r.alma.setLatency(30);
  return job;
}

/** The push's status once it has pushed `n` users, within a minute; undefined if it has not. */
async function pushedAtLeast(r: Rig, job: string, n: number): Promise<StatusJson | undefined> {
  for (const until = Date.now() + 60_000; Date.now() < until;) {
    await new Promise((res) => setTimeout(res, 200));
    // Until the child has begun, the job has no push: exit 2.
    const s = await r.run(['--format', 'json', 'alma', 'push', job, '--status']);
    const now = s.code === 0 ? (JSON.parse(s.stdout) as StatusJson) : undefined;
    if (now && now.push.users.pushed! >= n) return now;
  }
  return undefined;
}

/** How many times the server accepted a PUT of each user. */
function putsPerUser(r: Rig): Map<string, number> {
  const perUser = new Map<string, number>();
  for (const q of r.alma.requests().filter((q) => q.method === 'PUT' && q.status === 200)) {
    const user = q.path.replace(/\?.*/, '');
    perUser.set(user, (perUser.get(user) ?? 0) + 1);
  }
  return perUser;
}

it('kill -9 mid-push, then the same alma push finishes it without a second PUT of a user recorded as pushed', async () => {
  const r = await rig({ users: 80 });
  const job = await jobToPush(r, ['--job-category', 'Systems']);

  const child = spawnCli(['alma', 'push', job], { env: { ...r.env, ALMA_USERS_DB: r.s.db, ALMA_USERS_OPERATOR: 'admin' } });
  const status = await pushedAtLeast(r, job, 10);
  child.child.kill('SIGKILL');
  const killed = await child.done;
  expect(killed.code).toBeNull();
  expect(status?.push.users.pending).toBeGreaterThan(0);
  const killedAt = Date.now();
  const recorded = await r.json<StatusJson & { push: { conflicts: unknown[] } }>(['alma', 'push', job, '--status']);
  expect(recorded.json.push.state).toBe('running');
  // Its runner is dead: not shown, and the next push takes over.
  expect((recorded.json.push as { runner?: unknown }).runner).toBeNull();
  const pushedBefore = recorded.json.push.users.pushed!;

  r.alma.setLatency(0);
  const resumed = await r.json<StatusJson>(['alma', 'push', job]);
  expect(resumed.code, resumed.stderr).toBe(0);
  expect(resumed.json.push).toMatchObject({ state: 'done', users: { pushed: 80, pending: 0, failed: 0, conflict: 0 } });
  const puts = r.alma.requests().filter((q) => q.method === 'PUT' && q.status === 200);
  const after = new Set(puts.filter((q) => q.at > killedAt + 100).map((q) => q.path.replace(/\?.*/, '')));
  // Users recorded as pushed before the kill: none of them PUT again. At most the users in flight at the kill were PUT twice.
  expect(80 - after.size).toBeGreaterThanOrEqual(pushedBefore);
  const perUser = putsPerUser(r);
  expect(perUser.size).toBe(80);
  expect([...perUser.values()].filter((n) => n > 1).length).toBe(0);
}, 120_000);

it('a second alma push of a job whose push is running is refused (exit 1) and sends nothing; the first finishes, each user PUT once', async () => {
  const r = await rig({ users: 40 });
  const job = await jobToPush(r, []);

  // By put: a user at a time, so that the push is seen under way.
  const child = spawnCli(['alma', 'push', job, '--method', 'put'], { env: { ...r.env, ALMA_USERS_DB: r.s.db, ALMA_USERS_OPERATOR: 'admin' } });
  await pushedAtLeast(r, job, 5);
  const under = await r.json<StatusJson & { push: { runner: { pid: number } | null } }>(['alma', 'push', job, '--status']);
  expect(under.json.push).toMatchObject({ state: 'running', runner: { pid: child.child.pid } });
  const calls = r.alma.requests().length;
  const second = await r.run(['alma', 'push', job]);
  expect(second.code).toBe(1);
  expect(second.stderr).toContain(`job ${job} is being pushed to Alma by another process (pid ${child.child.pid} on `);
  expect(second.stderr).toContain('nothing was sent');

  r.alma.setLatency(0);
  const first = await child.done;
  expect(first.code, first.stderr).toBe(0);
  expect(r.alma.requests().length).toBeGreaterThan(calls);
  const done = await r.json<StatusJson>(['alma', 'push', job, '--status']);
  expect(done.json.push).toMatchObject({ state: 'done', users: { pushed: 40, pending: 0 } });
  const perUser = putsPerUser(r);
  expect(perUser.size).toBe(40);
  expect([...perUser.values()].every((n) => n === 1)).toBe(true);
}, 120_000);
