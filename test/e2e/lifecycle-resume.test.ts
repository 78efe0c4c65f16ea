import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { history, jobReport, patrons, storesWithSet, type Store } from '../helpers/jobs.js';
import { holdRunningJob, spawnCliOn, waitForJob } from '../helpers/running-jobs.js';

/**
 * job resume with each job type's own rule: a purge stopped halfway (a failing disk, or its
 * process killed) resumes as a purge, and a one-user edit as an edit; every member is
 * changed once across both runs.
 */

const withSet = storesWithSet();
const store = (n: number): Promise<Store> => withSet(patrons(n));

/** Makes the store refuse to delete (or to change) user `primaryId`, as a failing disk would; returns the cure. */
function breakUser(db: string, primaryId: string, on: 'DELETE' | 'UPDATE'): () => void {
  const d = new Database(db);
  d.prepare(`CREATE TRIGGER broken BEFORE ${on} ON users WHEN OLD.primary_id = '${primaryId}' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`).run();
  d.close();
  return () => {
    const fix = new Database(db);
    fix.exec('DROP TRIGGER broken');
    fix.close();
  };
}

const json = (r: { stdout: string }) => JSON.parse(r.stdout);

/** Each member deleted once: one 'user deleted' row per member in the job's report and in its history; none left. */
async function purgedOnce(s: Store, jobId: string, n: number): Promise<void> {
  const rows = await jobReport(s, jobId);
  expect(rows.filter((r) => r.changes === 'user deleted').map((r) => r.primary_id)).toEqual(patrons(n).map((p) => p.primary_id));
  for (const id of ['P00001', `P${String(n).padStart(5, '0')}`]) {
    expect((await history(s, id)).filter((h) => h.change === 'user deleted')).toEqual([expect.objectContaining({ job: jobId })]);
  }
  expect((await s.run(['--format', 'json', 'users', 'list', '--query', 'primary_id = "P0*"'])).stdout.trim()).toBe('[]');
}

describe('job resume of a purge', () => {
  it('that failed halfway purges the rest with the purge rule: each member purged once', async () => {
    const s = await store(300);
    const cure = breakUser(s.db, 'P00150', 'DELETE');
    const failed = await s.run(['--format', 'json', 'job', 'run', 'purge', '--set', 'members', '--bulk-size', '100', '--yes']);
    cure();
    expect(failed.code).toBe(1);
    const job = json(failed);
    expect(job).toMatchObject({ type: 'purge', status: 'Failed', processed: 100, total: 300, counters: { users_purged: 100 } });

    const resumed = await s.run(['--format', 'json', 'job', 'resume', job.id]);
    expect(resumed.code).toBe(0);
    expect(json(resumed)).toMatchObject({ id: job.id, type: 'purge', status: 'Completed Successfully', processed: 300, counters: { users_purged: 300 } });
    await purgedOnce(s, job.id, 300);
    // Restorable as one purge: job undo brings every member back.
    const undo = await s.run(['--format', 'json', 'job', 'undo', job.id, '--yes']);
    expect(json(undo)).toMatchObject({ status: 'Completed Successfully', counters: { changes_reverted: 300 } });
  });

  it('whose process was killed is resumed as a purge: each member purged once', async () => {
    const s = await store(1000);
    const { child, done } = spawnCliOn(s, ['job', 'run', 'purge', '--set', 'members', '--bulk-size', '25', '--yes', '--no-job-letter']);
    const { job: seen, lock } = await holdRunningJob(s.db, child, (j) => j.processed >= 25);
    const at = (await waitForJob(s.db, () => true)).processed;
    expect(at).toBeLessThan(1000);
    child.kill('SIGKILL');
    expect((await done).code).toBeNull();
    lock.release();

    const resumed = await s.run(['--format', 'json', 'job', 'resume', seen.id]);
    expect(resumed.code).toBe(0);
    expect(json(resumed)).toMatchObject({ type: 'purge', status: 'Completed Successfully', processed: 1000, counters: { users_purged: 1000 } });
    await purgedOnce(s, seen.id, 1000);
  });
});

describe('job resume of a one-user job', () => {
  it('resumes users edit with its field setters, not as an update/notify job', async () => {
    const s = await store(1);
    const cure = breakUser(s.db, 'P00001', 'UPDATE');
    const failed = await s.run(['--format', 'json', 'users', 'edit', 'P00001', '--first-name', 'Grace', '--add-role', 'license-viewer']);
    cure();
    expect(failed.code).toBe(1);
    const job = json(failed);
    expect(job).toMatchObject({ type: 'user-edit', status: 'Failed' });

    const resumed = await s.run(['--format', 'json', 'job', 'resume', job.id]);
    expect(resumed.code).toBe(0);
    expect(json(resumed)).toMatchObject({ type: 'user-edit', status: 'Completed Successfully', counters: { fields_changed: 1, roles_added: 1 } });
    const user = json(await s.run(['--format', 'json', 'users', 'show', 'P00001']));
    expect(user.first_name).toBe('Grace');
    expect(user.user_role.map((r: { role_type: { value: string } }) => r.role_type.value)).toContain('license-viewer');
    expect((await history(s, 'P00001')).map((h) => h.change)).toEqual(['first_name: Pat -> Grace', 'roles +license-viewer']);
  });
});
