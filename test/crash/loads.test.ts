import { describe, expect, it } from 'vitest';
import { cliProcess, tempStores } from '../helpers/cli.js';
import { patrons } from '../helpers/jobs.js';
import { query, seedUsers } from '../helpers/seed.js';
import { anyMoment, doctorPasses, killAt, newestJob, random, TRIALS, trialSeed } from './crash.js';

/**
 * kill -9 of `users import`, `set create --from-file` and `users sync` at seeded random
 * points; the same command run again finishes the work, and every user is changed once.
 */

const store = tempStores();
const trials = Array.from({ length: TRIALS }, (_, t) => t);

/** Users as `users list --format json` shows them. */
async function listed(run: (args: string[]) => Promise<{ stdout: string }>): Promise<{ primary_id: string; name: string; user_group: string; status: string }[]> {
  return JSON.parse((await run(['users', 'list', '--format', 'json'])).stdout);
}

const N = 2000;

/** A fresh store with N patrons (changed by `over`), and the trial's random draws. */
async function seeded(flow: string, trial: number, over?: Parameters<typeof patrons>[1]) {
  const rand = random(trialSeed(flow, trial));
  const s = await store();
  const users = patrons(N, over);
  seedUsers(s.db, users);
  return { rand, s, users };
}

describe('crash: users import', () => {
  it.each(trials)('trial %i: run again, every user is updated once (one audit row each)', async (trial) => {
    const { rand, s, users } = await seeded('import', trial);
    const file = s.file('graduates.csv', ['primary_id,first_name,last_name,user_group', ...users.map((u) => `${u.primary_id},Pat,Ron,GRAD`)].join('\n') + '\n');
    await killAt(s, ['users', 'import', file], anyMoment(rand, 1500));
    const again = await s.run(['users', 'import', file]);
    expect(again.code, again.stderr).toBe(0);

    await doctorPasses(s);
    expect((await listed(s.run)).filter((u) => u.primary_id.startsWith('P') && u.user_group !== 'GRAD')).toEqual([]);
    // An import's updates are audited without a job: one row per user across both runs.
    const audit = query<{ rows: number; users: number }>(s.db, "SELECT count(*) AS rows, count(DISTINCT user_id) AS users FROM audit WHERE job_id IS NULL AND primary_id LIKE 'P%'")[0];
    expect(audit).toEqual({ rows: N, users: N });
  });
});

describe('crash: set create --from-file', () => {
  it.each(trials)('trial %i: the set is there whole or not at all; made again, it has every member once', async (trial) => {
    const { rand, s, users } = await seeded('set load', trial);
    const file = s.file('ids.txt', ['User name', ...users.map((u) => u.primary_id)].join('\n') + '\n');
    await killAt(s, ['set', 'create', 'loaded', '--public', '--from-file', file], anyMoment(rand, 1000));
    const shown = await s.run(['set', 'show', 'loaded', '--format', 'json']);
    if (shown.code === 0) expect(JSON.parse(shown.stdout)).toMatchObject({ members: N });
    else expect((await s.run(['set', 'create', 'loaded', '--public', '--from-file', file])).code).toBe(0);

    await doctorPasses(s);
    const members = await s.run(['set', 'members', 'loaded', '--format', 'json']);
    const ids = (JSON.parse(members.stdout) as { primary_id: string }[]).map((m) => m.primary_id);
    expect(ids).toHaveLength(N);
    expect(new Set(ids).size).toBe(N);
  });
});

describe('crash: users sync', async () => {
  // H9-sync's command: the flow runs where the built CLI has it.
  const hasSync = (await cliProcess(['users', 'sync', '--help'])).code === 0;

  it.skipIf(!hasSync).each(trials)('trial %i: run again, every external user is changed once, by one sync or the other', async (trial) => {
    const { rand, s, users } = await seeded('sync', trial, () => ({ account_type: 'EXTERNAL', external_id: 'SIS' }));
    const file = s.file('sis.csv', ['primary_id,first_name,last_name,user_group,email', ...users.map((u) => `${u.primary_id},Pat,Synced,UNDERGRAD,${u.primary_id.toLowerCase()}@example.edu`)].join('\n') + '\n');
    const args = ['users', 'sync', file, '--profile', 'SIS'];
    await killAt(s, args, anyMoment(rand, 1000));
    // A sync is not resumed: the next run is the same sync, and changes only what the killed one did not.
    const first = newestJob(s.db, 'sync');
    if (!first?.status.startsWith('Completed')) {
      const again = await s.run(args);
      expect(again.code, again.stderr).toBe(0);
    }

    await doctorPasses(s);
    expect((await listed(s.run)).filter((u) => u.primary_id.startsWith('P') && !u.name.startsWith('Synced'))).toEqual([]);
    const audit = query<{ rows: number; users: number }>(s.db, "SELECT count(*) AS rows, count(DISTINCT user_id) AS users FROM audit JOIN jobs ON jobs.id = audit.job_id WHERE jobs.type = 'sync'")[0];
    expect(audit).toEqual({ rows: N, users: N });
  });
});
