import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patron } from '../helpers/seed.js';
import { patrons, runJob, spawnCli, storeWithSet, userRow, waitForJob, type Store } from '../helpers/jobs.js';

let s: Store;
beforeAll(async () => {
  s = await storeWithSet([
    patron('MANAGER', { record_type: 'STAFF', roles: [{ role: 'user-manager', status: 'ACTIVE' }] }),
    patron('CLERK', { record_type: 'STAFF', roles: [{ role: 'cataloger', scope: 'MAIN' }] }),
    patron('R1', { record_type: 'STAFF', roles: [{ role: 'user-administrator' }] }),
    patron('U1'),
    patron('U2'),
  ].map((u) => u), 'all');
  const set = await s.run(['set', 'create', 'patrons', '--public', '--from-file', '-'], { input: 'R1\nU1\nU2\n' });
  if (set.code !== 0) throw new Error(set.stderr);
});
afterAll(() => s.cleanup());

const asManager = { ALMA_USERS_OPERATOR: 'MANAGER' };

describe('who may run a job', () => {
  it('a User Manager runs it; a user holding a restricted role gets the per-user error "restricted account" and the rest proceeds', async () => {
    const r = await runJob(s, 'patrons', ['--add-role', 'license-viewer'], asManager);
    expect(r.code).toBe(3);
    expect(r.json.status).toBe('Completed with Errors');
    expect(r.json.operator).toBe('MANAGER');
    expect(r.json.counters).toMatchObject({ processed: 3, changed: 2, errors: 1 });
    expect(r.json.issues).toEqual([
      { severity: 'error', code: 'restricted-account', message: 'restricted account: only a User Administrator may change a user holding user-administrator', users: 1 },
    ]);
    expect((userRow(s.db, 'R1').roles as { role: string }[]).map((x) => x.role)).toEqual(['user-administrator']);
    expect((userRow(s.db, 'U1').roles as { role: string }[]).map((x) => x.role)).toContain('license-viewer');
    const report = JSON.parse((await s.run(['job', 'report', r.json.id, '--format', 'json'])).stdout);
    expect(report[0]).toMatchObject({ primary_id: 'R1', outcome: 'error', reason: expect.stringContaining('restricted account') });
  });

  it('a User Manager may not add or remove a restricted role: every user it would change is an error', async () => {
    const r = await runJob(s, 'patrons', ['--add-role', 'user-manager'], asManager);
    expect(r.stderr).toContain('only a User Administrator may add or remove user-manager');
    expect(r.code).toBe(3);
    expect(r.json.counters).toMatchObject({ changed: 0, errors: 3 });
    expect(r.json.issues).toEqual([
      { severity: 'error', code: 'restricted-account', message: 'restricted account: only a User Administrator may add the user-manager role', users: 3 },
    ]);
    expect((userRow(s.db, 'U2').roles as { role: string }[]).map((x) => x.role)).not.toContain('user-manager');
  });

  it('a User Administrator may change restricted accounts and restricted roles', async () => {
    const r = await runJob(s, 'patrons', ['--add-role', 'user-manager', '--job-description', 'Circulation lead']);
    expect(r.code).toBe(0);
    expect(r.json.counters).toMatchObject({ changed: 3, errors: 0 });
    expect(userRow(s.db, 'R1')).toMatchObject({ job_description: 'Circulation lead' });
  });

  it('an operator without User Manager or User Administrator is refused (exit 4); no operator is a usage error (exit 2)', async () => {
    const clerk = await s.run(['job', 'run', 'update-notify', '--set', 'patrons', '--status', 'inactive'], { env: { ALMA_USERS_OPERATOR: 'CLERK' } });
    expect(clerk.code).toBe(4);
    expect(clerk.stderr).toContain('operator CLERK lacks the User Manager or User Administrator role');
    const none = await s.run(['job', 'run', 'update-notify', '--set', 'patrons', '--status', 'inactive'], { env: { ALMA_USERS_OPERATOR: '' } });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--operator ID');
    expect(userRow(s.db, 'U1').status).toBe('ACTIVE');
  });

  it("only the job's operator or a User Administrator may cancel or resume a job, and only an administrator may declare it dead (exit 4)", async () => {
    // A job of its own: password letters cost an scrypt hash each, so it runs for seconds.
    const t = await storeWithSet([...patrons(150), patron('MANAGER', { record_type: 'STAFF', roles: [{ role: 'user-manager', status: 'ACTIVE' }] })], 'many');
    try {
      const { done } = spawnCli(t, ['--format', 'json', 'job', 'run', 'update-notify', '--set', 'many', '--notify', 'NOTIFY_PASSWORD_CHANGE', '--bulk-size', '15']);
      const running = await waitForJob(t.db, (j) => j.status === 'Running' && j.processed >= 15);
      const notHis = await t.run(['job', 'cancel', running.id], { env: asManager });
      expect(notHis.code).toBe(4);
      expect(notHis.stderr).toContain(`job ${running.id} was run by admin; only they or a User Administrator may cancel it`);
      const takeOver = await t.run(['job', 'abort', running.id, '--force'], { env: asManager });
      expect(takeOver.code).toBe(4);
      expect((await t.run(['job', 'cancel', running.id])).code).toBe(0);
      const stopped = JSON.parse((await done).stdout);
      expect(stopped.status).toBe('Aborted by User');

      const resume = await t.run(['job', 'resume', running.id], { env: asManager });
      expect(resume.code).toBe(4);
      expect(resume.stderr).toContain('only they or a User Administrator may resume it');
      expect(JSON.parse((await t.run(['job', 'show', running.id, '--format', 'json'])).stdout)).toMatchObject({ status: 'Aborted by User', processed: stopped.processed });
      const finished = await t.run(['--format', 'json', 'job', 'resume', running.id]);
      expect(finished.code).toBe(0);
      expect(JSON.parse(finished.stdout)).toMatchObject({ status: 'Completed Successfully', processed: 151 });
    } finally {
      t.cleanup();
    }
  }, 120_000);
});
