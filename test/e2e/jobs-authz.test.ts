import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patron } from '../helpers/seed.js';
import { failedHalfway, patrons, runJob, shownUser, storeWithSet, type Store } from '../helpers/jobs.js';

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
    const report = JSON.parse((await s.run(['job', 'report', r.json.id, '--format', 'json'])).stdout);
    expect(report).toEqual([
      { primary_id: 'R1', outcome: 'error', changes: '', letter: null, reason: expect.stringContaining('restricted account') },
      { primary_id: 'U1', outcome: 'changed', changes: 'roles +license-viewer', letter: null, reason: '' },
      { primary_id: 'U2', outcome: 'changed', changes: 'roles +license-viewer', letter: null, reason: '' },
    ]);
  });

  it('a User Manager may not add or remove a restricted role: every user it would change is an error', async () => {
    const r = await runJob(s, 'patrons', ['--add-role', 'user-manager'], asManager);
    expect(r.stderr).toContain('only a User Administrator may add or remove user-manager');
    expect(r.code).toBe(3);
    expect(r.json.counters).toMatchObject({ changed: 0, errors: 3 });
    expect(r.json.issues).toEqual([
      { severity: 'error', code: 'restricted-account', message: 'restricted account: only a User Administrator may add the user-manager role', users: 3 },
    ]);
    const report = JSON.parse((await s.run(['job', 'report', r.json.id, '--format', 'json'])).stdout) as { outcome: string; changes: string }[];
    expect(report.map((u) => [u.outcome, u.changes])).toEqual([['error', ''], ['error', ''], ['error', '']]);
  });

  it('a User Administrator may change restricted accounts and restricted roles', async () => {
    const r = await runJob(s, 'patrons', ['--add-role', 'user-manager', '--job-description', 'Circulation lead']);
    expect(r.code).toBe(0);
    expect(r.json.counters).toMatchObject({ changed: 3, errors: 0 });
    const report = JSON.parse((await s.run(['job', 'report', r.json.id, '--format', 'json'])).stdout) as { primary_id: string; changes: string }[];
    expect(report.find((u) => u.primary_id === 'R1')?.changes).toBe('roles +user-manager; job_description: (empty) -> Circulation lead');
  });

  it('an operator without User Manager or User Administrator is refused (exit 4); no operator is a usage error (exit 2)', async () => {
    const clerk = await s.run(['job', 'run', 'update-notify', '--set', 'patrons', '--status', 'inactive'], { env: { ALMA_USERS_OPERATOR: 'CLERK' } });
    expect(clerk.code).toBe(4);
    expect(clerk.stderr).toContain('operator CLERK lacks the User Manager or User Administrator role');
    const none = await s.run(['job', 'run', 'update-notify', '--set', 'patrons', '--status', 'inactive'], { env: { ALMA_USERS_OPERATOR: '' } });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--operator ID');
    expect((await shownUser(s, 'U1')).status.value).toBe('ACTIVE');
    expect(JSON.parse((await s.run(['job', 'list', '--format', 'json'])).stdout)).toHaveLength(3);
  });

  it("one rule: only the job's operator or a User Administrator may cancel, abort, resume or undo a job (exit 4)", async () => {
    // The ownership rule is checked before the job's state: a job that stopped halfway shows it,
    // with no process to race and no password to hash.
    const t = await storeWithSet([...patrons(300), patron('MANAGER', { record_type: 'STAFF', roles: [{ role: 'user-manager', status: 'ACTIVE' }] })], 'many');
    try {
      const admins = await failedHalfway(t, ['--add-role', 'license-viewer'], 'many');
      expect(admins.json).toMatchObject({ status: 'Failed', operator: 'admin', processed: 100 });
      const id = admins.json.id;
      for (const verb of ['cancel', 'abort', 'resume', 'undo']) {
        const notHis = await t.run(['job', verb, id, ...(verb === 'abort' ? ['--force'] : []), ...(verb === 'undo' ? ['--yes'] : [])], { env: asManager });
        expect(notHis.code, verb).toBe(4);
        expect(notHis.stderr).toContain(`job ${id} was run by admin; only they or a User Administrator may ${verb} it`);
      }
      expect(JSON.parse((await t.run(['job', 'show', id, '--format', 'json'])).stdout)).toMatchObject({ status: 'Failed', processed: 100, undone_by: [] });
      const finished = await t.run(['--format', 'json', 'job', 'resume', id]);
      expect(finished.code).toBe(0);
      expect(JSON.parse(finished.stdout)).toMatchObject({ status: 'Completed Successfully', processed: 301 });

      // The job's own operator may resume it, User Manager or not.
      const his = await failedHalfway(t, ['--add-statistic', 'RESEARCHER'], 'many', asManager);
      expect(his.json).toMatchObject({ status: 'Failed', operator: 'MANAGER' });
      const own = await t.run(['--format', 'json', 'job', 'resume', his.json.id], { env: asManager });
      expect(own.code).toBe(3);
      // MANAGER itself holds a restricted role: a User Manager may not change that account.
      expect(JSON.parse(own.stdout)).toMatchObject({ status: 'Completed with Errors', operator: 'MANAGER', processed: 301, counters: { errors: 1, statistics_added: 300 } });
      // ...and undo it: the same rule.
      const undo = await t.run(['--format', 'json', 'job', 'undo', his.json.id, '--yes'], { env: asManager });
      expect(undo.stderr).not.toContain('only they or a User Administrator');
      expect(JSON.parse(undo.stdout)).toMatchObject({ type: 'undo', operator: 'MANAGER', undo_of: his.json.id });
    } finally {
      t.cleanup();
    }
  });
});
