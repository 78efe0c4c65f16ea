import { afterEach, describe, expect, it } from 'vitest';
import { patron } from '../helpers/seed.js';
import { exportedUsers, failedHalfway, jobList, makeSet, patrons, runJob, storeWithSet, userFacts, type Store } from '../helpers/jobs.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

/** U1..U3 (expiry 2027-06-30), sets "all" and "one" (U1); job A changes all three. */
async function changedByA(extra: string[] = []): Promise<{ s: Store; a: string }> {
  const s = await storeWithSet([patron('U1'), patron('U2'), patron('U3', { roles: [{ role: 'patron' }, { role: 'license-viewer' }] })], 'all');
  cleanups.push(s.cleanup);
  await makeSet(s, 'one', ['U1']);
  const a = await runJob(s, 'all', ['--add-role', 'license-viewer', '--status', 'inactive', '--expiry-date', '2030-01-01', '--reason', 'trial', ...extra]);
  expect(a.json.counters.changed).toBe(3);
  return { s, a: a.json.id };
}

function undoJson(r: { stdout: string; stderr: string }): { id: string; status: string; counters: Record<string, number>; issues: { message: string; users: number }[]; notes: string[]; undo_of: string } {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`no JSON:\n${r.stdout}\n${r.stderr}`);
  }
}

describe('job undo', () => {
  it('--dry-run shows what would be reverted and changes nothing', async () => {
    const { s, a } = await changedByA();
    const before = await exportedUsers(s);
    const r = await s.run(['--format', 'json', 'job', 'undo', a, '--dry-run']);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p).toMatchObject({ dry_run: true, members: 3, counters: { changed: 3, changes_reverted: 11 } });
    expect(p.samples[0]).toEqual({ primary_id: 'U1', changes: ['expiry_date: 2030-01-01 -> 2027-06-30', 'status_date: ' + String((await userFacts(s, 'U1')).status_date) + ' -> (empty)', 'status: INACTIVE -> ACTIVE', 'roles -license-viewer'] });
    expect(await exportedUsers(s)).toEqual(before);
    expect((await jobList(s)).filter((j) => j.type === 'undo')).toEqual([]);
  });

  it('reverts every change of a job when nothing changed since; is itself a job; cannot run twice', async () => {
    const { s, a } = await changedByA();
    const r = await s.run(['--format', 'json', 'job', 'undo', a, '--reason', 'trial cancelled']);
    expect(r.code).toBe(0);
    const u = undoJson(r);
    expect(u).toMatchObject({ status: 'Completed Successfully', undo_of: a, counters: { changed: 3, conflicts: 0, changes_reverted: 11 } });
    for (const id of ['U1', 'U2']) {
      expect(await userFacts(s, id)).toMatchObject({ status: 'ACTIVE', status_date: null, expiry_date: '2027-06-30', user_role: ['patron ACTIVE'] });
    }
    // U3 held license-viewer before job A: the job did not add it, so the undo leaves it.
    expect((await userFacts(s, 'U3')).user_role).toEqual(['patron ACTIVE', 'license-viewer ACTIVE']);
    const report = JSON.parse((await s.run(['job', 'report', u.id, '--format', 'json'])).stdout);
    expect(report).toHaveLength(3);
    expect(JSON.parse((await s.run(['job', 'show', a, '--format', 'json'])).stdout).undone_by).toEqual([{ id: u.id, status: 'Completed Successfully' }]);

    const twice = await s.run(['job', 'undo', a]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain(`job ${a} was already undone by job ${u.id}`);
  });

  it('leaves a field changed again by a later job as it is (a conflict, exit 3) and still undoes the rest for that user', async () => {
    const { s, a } = await changedByA();
    const b = await runJob(s, 'one', ['--expiry-date', '2031-12-31']);
    const r = await s.run(['--format', 'json', 'job', 'undo', a]);
    expect(r.code).toBe(3);
    const u = undoJson(r);
    expect(u.status).toBe('Completed with Warnings');
    expect(u.counters).toMatchObject({ conflicts: 1, changed: 3 });
    expect(u.issues).toEqual([expect.objectContaining({ message: `conflict: expiry_date: 2027-06-30 -> 2030-01-01 was changed again by job ${b.json.id}; left as it is (to put it back anyway: alma-users job undo ${a} --force)`, users: 1 })]);
    expect(await userFacts(s, 'U1')).toMatchObject({ expiry_date: '2031-12-31', status: 'ACTIVE', user_role: ['patron ACTIVE'] });
    expect(await userFacts(s, 'U2')).toMatchObject({ expiry_date: '2027-06-30', status: 'ACTIVE' });

    // users history tells the whole story of U1, oldest first.
    const h = JSON.parse((await s.run(['users', 'history', 'U1', '--format', 'json'])).stdout) as { job: string; operator: string; reason: string | null; change: string }[];
    expect(h.map((x) => [x.job, x.change])).toEqual([
      [a, 'roles +license-viewer'], [a, 'status: ACTIVE -> INACTIVE'], [a, expect.stringMatching(/^status_date: \(empty\) -> \d{4}-\d\d-\d\d$/)], [a, 'expiry_date: 2027-06-30 -> 2030-01-01'],
      [b.json.id, 'expiry_date: 2030-01-01 -> 2031-12-31'],
      [u.id, expect.stringMatching(/^status_date: /)], [u.id, 'status: INACTIVE -> ACTIVE'], [u.id, 'roles -license-viewer'],
    ]);
    expect(h[0]).toMatchObject({ operator: 'admin', reason: 'trial' });
  });

  it('--force reverts a conflicting field too', async () => {
    const { s, a } = await changedByA();
    await runJob(s, 'one', ['--expiry-date', '2031-12-31']);
    const r = await s.run(['--format', 'json', 'job', 'undo', a, '--force']);
    expect(r.code).toBe(0);
    expect(undoJson(r).counters).toMatchObject({ conflicts: 0, conflicts_overwritten: 1 });
    expect(await userFacts(s, 'U1')).toMatchObject({ expiry_date: '2027-06-30' });
  });

  it('says that letters cannot be unsent', async () => {
    const { s, a } = await changedByA(['--notify', 'GENERAL_MESSAGE']);
    const r = await s.run(['job', 'undo', a]);
    expect(r.code).toBe(0);
    expect(r.stderr + r.stdout).toContain(`letters cannot be unsent: job ${a} queued 3 letter(s)`);
  });

  it('undoes a job that stopped halfway (the users it reached), after which the job can no longer be resumed', async () => {
    const s = await storeWithSet(patrons(300));
    cleanups.push(s.cleanup);
    const a = await failedHalfway(s, ['--status', 'inactive']);
    expect(a.json).toMatchObject({ status: 'Failed', processed: 100 });

    const u = await s.run(['--format', 'json', 'job', 'undo', a.json.id]);
    expect(u.code).toBe(0);
    const undone = undoJson(u);
    expect(undone.counters).toMatchObject({ changed: 100, conflicts: 0 });
    expect(undone.notes.join('\n')).toContain(`job ${a.json.id} stopped before it finished (Failed, 100 of 300 users): only the users it reached are undone, and once undone it can no longer be resumed`);
    const inactive = async () => [...(await exportedUsers(s)).values()].filter((x) => x.status === 'INACTIVE').length;
    expect(await inactive()).toBe(0);

    // Resuming now would change users that no undo could then put back.
    const resumed = await s.run(['job', 'resume', a.json.id]);
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toContain(`job ${a.json.id} was undone by job ${undone.id} (Completed Successfully); an undone job cannot be resumed`);
    expect(await inactive()).toBe(0);
    const shown = (await s.run(['job', 'show', a.json.id])).stdout;
    expect(shown).toContain('the job was undone, so it cannot be resumed');
    expect(shown).not.toContain('finish the job with');
  });
});
