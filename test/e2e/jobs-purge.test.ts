import { describe, expect, it } from 'vitest';
import { tempStores, type CliResult } from '../helpers/cli.js';
import { jsonOf } from '../helpers/sets-users.js';
import { makeSet } from '../helpers/jobs.js';
import { patron, seedUsers } from '../helpers/seed.js';

/** job run purge --set NAME | --due: deletes users, never operators; job undo restores them while purge.keep_days keeps them. */

const store = tempStores();

// any: each assertion reads the shape it expects of the command's JSON.
const json = (r: CliResult) => jsonOf<any>(r);

async function purgeStore() {
  const s = await store();
  seedUsers(s.db, [
    patron('OLD1', { purge_date: '2001-01-01' }),
    patron('OLD2', { purge_date: '2020-05-31', notes: [{ type: 'GENERAL', text: 'kept' }] }),
    patron('NEW1', { purge_date: '2999-01-01' }),
    patron('NONE'),
    patron('MGR', { record_type: 'STAFF', purge_date: '2001-01-01', roles: [{ role: 'user-manager', status: 'INACTIVE' }] }),
  ]);
  const exists = async (id: string) => (await s.run(['users', 'show', id])).code === 0;
  return { s, exists };
}

describe('job run purge', () => {
  it('--due purges the users whose purge date has passed, never an operator; the report lists who was purged', async () => {
    const { s, exists } = await purgeStore();
    const dry = await s.run(['--format', 'json', 'job', 'run', 'purge', '--due', '--dry-run']);
    expect(json(dry)).toMatchObject({ dry_run: true, members: 3, counters: { users_purged: 2, operators_kept: 1 } });
    expect(await exists('OLD1')).toBe(true);
    const r = await s.run(['--format', 'json', 'job', 'run', 'purge', '--due', '--yes']);
    expect(r.code).toBe(3);
    const job = json(r);
    expect(job).toMatchObject({ type: 'purge', status: 'Completed with Warnings', counters: { users_purged: 2, operators_kept: 1 }, purged: ['OLD1', 'OLD2'] });
    expect(job.issues).toEqual([expect.objectContaining({ code: 'operator', message: 'holds the user-manager role (inactive): operators are never purged' })]);
    expect([await exists('OLD1'), await exists('OLD2'), await exists('NEW1'), await exists('NONE'), await exists('MGR')]).toEqual([false, false, true, true, true]);
    const rows = json(await s.run(['--format', 'json', 'job', 'report', job.id])) as { primary_id: string; changes: string }[];
    expect(rows.filter((x) => x.changes === 'user deleted').map((x) => x.primary_id)).toEqual(['OLD1', 'OLD2']);
    const table = await s.run(['job', 'run', 'purge', '--due', '--yes']);
    expect(table.stdout).toContain('users unchanged\t1');
    expect(table.stdout).not.toContain('purged (');
  });

  it('--set purges the members of a set; job undo creates them again exactly as they were', async () => {
    const { s, exists } = await purgeStore();
    await makeSet(s, 'leavers', ['NEW1', 'NONE']);
    const before = await s.run(['--format', 'json', 'users', 'show', 'NONE']);
    const job = json(await s.run(['--format', 'json', 'job', 'run', 'purge', '--set', 'leavers', '--yes']));
    expect(job).toMatchObject({ status: 'Completed Successfully', counters: { users_purged: 2 }, purged: ['NEW1', 'NONE'] });
    expect(await exists('NONE')).toBe(false);
    const undo = await s.run(['--format', 'json', 'job', 'undo', job.id, '--yes']);
    expect(json(undo)).toMatchObject({ status: 'Completed Successfully', counters: { changes_reverted: 2 } });
    expect((await s.run(['--format', 'json', 'users', 'show', 'NONE'])).stdout).toBe(before.stdout);
    const history = json(await s.run(['--format', 'json', 'users', 'history', 'NONE'])) as { change: string; job: string }[];
    expect(history.map((h) => [h.change, h.job])).toEqual([['user deleted', job.id], ['user created', json(undo).id]]);
  });

  it('a kept record older than purge.keep_days is removed by the next purge; its undo then says so', async () => {
    const { s, exists } = await purgeStore();
    await makeSet(s, 'one', ['NONE']);
    const first = json(await s.run(['--format', 'json', 'job', 'run', 'purge', '--set', 'one', '--yes']));
    expect((await s.run(['config', 'set', 'purge.keep_days', '0'])).code).toBe(0);
    const second = await s.run(['job', 'run', 'purge', '--due', '--yes']);
    expect(second.stderr).toContain('1 record(s) deleted more than 0 days ago are no longer kept');
    const undo = await s.run(['--format', 'json', 'job', 'undo', first.id, '--yes']);
    expect(undo.code).toBe(3);
    expect(json(undo).issues[0].message).toContain('no longer kept');
    expect(await exists('NONE')).toBe(false);
    expect((await s.run(['config', 'set', 'purge.keep_days', 'soon'])).code).toBe(2);
  });

  it('needs --set or --due, not both, and a bulk size that is a whole number; update-notify still needs --set; an unknown type names both', async () => {
    const { s } = await purgeStore();
    const neither = await s.run(['job', 'run', 'purge']);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('job run purge needs either --set NAME or --due');
    const both = await s.run(['job', 'run', 'purge', '--set', 'x', '--due']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('job run purge needs one of --set NAME and --due, not both');
    for (const n of ['abc', '0', '2.5', '100001']) {
      const bulk = await s.run(['job', 'run', 'purge', '--due', '--bulk-size', n]);
      expect(bulk.code, n).toBe(2);
      expect(bulk.stderr).toBe('error: --bulk-size: expected a whole number of users from 1 to 100000\n');
    }
    const un = await s.run(['job', 'run', 'update-notify', '--add-role', 'license-viewer']);
    expect(un.code).toBe(2);
    expect(un.stderr).toContain('job run update-notify needs --set NAME');
    const unknown = await s.run(['job', 'run', 'delete-all', '--set', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('update-notify or purge');
  });
});
