import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { patron, seedUsers } from '../helpers/seed.js';
import { exportedUsers, failedHalfway as failHalfway, jobReport, makeSet, patrons, runJob, storeWithSet, type Store } from '../helpers/jobs.js';
import { holdRunningJob, holdWriteLock, spawnCliOn, waitForJob } from '../helpers/running-jobs.js';
import { listedLetters } from '../helpers/smtp.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

async function store(users: Parameters<typeof storeWithSet>[0], set = 'members'): Promise<Store> {
  const s = await storeWithSet(users, set);
  cleanups.push(s.cleanup);
  return s;
}

/**
 * Per member P..., in primary-ID order: how many times `job report` lists it as changed (its
 * rows join the job's audit rows and letters, so a user changed or written to twice shows
 * twice), how many times `users export` shows it holding the role, and how many of the job's
 * letters `mail list --job` lists for it.
 */
async function perMember(s: Store, jobId: string, role: string): Promise<{ changes: number[]; roleCounts: number[]; letters: number[] }> {
  const users = [...(await exportedUsers(s)).values()].filter((u) => u.primary_id.startsWith('P')).sort((a, b) => a.primary_id.localeCompare(b.primary_id));
  const report = await jobReport(s, jobId);
  const letters = await listedLetters(s.run, '--job', jobId);
  const count = <T>(rows: T[], test: (row: T) => boolean) => rows.filter(test).length;
  return {
    changes: users.map((u) => count(report, (r) => r.primary_id === u.primary_id && r.outcome === 'changed')),
    roleCounts: users.map((u) => count(u.user_role, (r) => r === role || r.startsWith(`${role} `) || r.startsWith(`${role}@`))),
    letters: users.map((u) => count(letters, (l) => l.primary_id === u.primary_id)),
  };
}

describe('final statuses', () => {
  it('Completed Successfully: exit 0, with the JSON a script reads', async () => {
    const s = await store(patrons(3));
    const r = await runJob(s, 'members', ['--add-role', 'license-viewer', '--reason', 'renewal', '--name', 'licences']);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({
      type: 'update-notify', status: 'Completed Successfully', set: 'members', operator: 'admin', reason: 'renewal',
      counters: { processed: 3, changed: 3, unchanged: 0, errors: 0, warnings: 0, roles_added: 3 },
    });
    expect(r.json.id).toMatch(/^[0-9a-z]{12}$/);
    expect(Date.parse(r.json.started!)).toBeLessThanOrEqual(Date.parse(r.json.ended!));
    const shown = JSON.parse((await s.run(['job', 'show', r.json.id, '--format', 'json'])).stdout);
    expect(shown).toMatchObject({ id: r.json.id, status: 'Completed Successfully', counters: r.json.counters });
    const csv = (await s.run(['job', 'report', r.json.id.slice(0, 5), '--format', 'csv'])).stdout.split('\r\n');
    expect(csv.slice(0, 2)).toEqual(['primary_id,outcome,changes,letter,reason', 'P00001,changed,roles +license-viewer,,']);
    const listed = (await s.run(['job', 'list'])).stdout;
    expect(listed).toContain(`${r.json.id}\tlicences\tmembers\tadmin\t`);
    expect(listed).toMatch(/Completed Successfully\t100%\t3\t3/);
  });

  it('Completed with No Bulks: an empty set, exit 0', async () => {
    const s = await store(patrons(1));
    await makeSet(s, 'empty', []);
    const r = await runJob(s, 'empty', ['--add-role', 'license-viewer']);
    expect(r.code).toBe(0);
    expect(r.json.status).toBe('Completed with No Bulks');
    expect(r.json.counters.processed).toBe(0);
  });

  it('Completed with Warnings: a user without e-mail gets no letter, exit 3, the reason counted', async () => {
    const s = await store([...patrons(2), patron('P00003', { emails: [] })]);
    const r = await runJob(s, 'members', ['--notify', 'GENERAL_MESSAGE']);
    expect(r.code).toBe(3);
    expect(r.json.status).toBe('Completed with Warnings');
    expect(r.json.counters).toMatchObject({ warnings: 1, no_email: 1, letters_queued: 2, letters_sent: 2 });
    expect(r.json.issues).toEqual([{ severity: 'warning', code: 'no-email', message: 'no e-mail address: no letter sent', users: 1 }]);
    const shown = (await s.run(['job', 'show', r.json.id])).stdout;
    expect(shown).toMatch(/warning\s+no e-mail address: no letter sent\s+1/);
  });

  it('Failed: a bulk that cannot be written rolls back whole; exit 1; resume completes it, each user once', async () => {
    const s = await store(patrons(300));
    const r = await failHalfway(s, ['--add-role', 'license-viewer']);
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ status: 'Failed', processed: 100, total: 300 });
    expect(r.json.notes.join('\n') + (await s.run(['job', 'show', r.json.id])).stdout).toContain('disk on fire');
    // The failed bulk left no trace: users 101-200 are as they were.
    expect((await perMember(s, r.json.id, 'license-viewer')).roleCounts.slice(100, 200).every((n) => n === 0)).toBe(true);

    const resumed = await s.run(['--format', 'json', 'job', 'resume', r.json.id]);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ status: 'Completed Successfully', processed: 300, counters: { changed: 300, roles_added: 300 } });
    const m = await perMember(s, r.json.id, 'license-viewer');
    expect(m.changes.every((n) => n === 1)).toBe(true);
    expect(m.roleCounts.every((n) => n === 1)).toBe(true);
  });
});

describe('a job whose process dies', () => {
  it('is found by the next command, marked Aborted by System, and resumed: every member changed once, one audit row and one letter each', async () => {
    const s = await store(patrons(1500));
    const { child, done } = spawnCliOn(s, ['job', 'run', 'update-notify', '--set', 'members', '--add-role', 'license-viewer', '--notify', 'GENERAL_MESSAGE', '--bulk-size', '25']);
    const { job: seen, lock } = await holdRunningJob(s.db, child, (j) => j.processed >= 25);
    const at = (await waitForJob(s.db, () => true)).processed;
    expect(at).toBeLessThan(1500);
    child.kill('SIGKILL');
    const killed = await done;
    lock.release();
    expect(killed.code).toBeNull();

    const list = await s.run(['job', 'list', '--format', 'json']);
    expect(list.stderr).toContain(`job ${seen.id} was left running by a process that is gone; it is now Aborted by System (to finish it: alma-users job resume ${seen.id})`);
    expect(JSON.parse(list.stdout)[0]).toMatchObject({ id: seen.id, status: 'Aborted by System', processed: at, total: 1500 });
    expect((await perMember(s, seen.id, 'license-viewer')).roleCounts.filter((n) => n === 1).length).toBe(at);

    // The set is free again, and resume carries on from the checkpoint.
    const resumed = await s.run(['--format', 'json', 'job', 'resume', seen.id]);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ status: 'Completed Successfully', counters: { processed: 1500, changed: 1500, letters_queued: 1500, letters_sent: 1500 } });
    const m = await perMember(s, seen.id, 'license-viewer');
    expect(m.changes.every((n) => n === 1)).toBe(true);
    expect(m.roleCounts.every((n) => n === 1)).toBe(true);
    expect(m.letters.every((n) => n === 1)).toBe(true);
    // ...each written once to the .eml outbox (beside the operator's own job letter).
    const written = fs.readdirSync(path.join(s.dir, 'store.outbox')).filter((f) => f.endsWith('.eml'));
    const jobs = new Set((await listedLetters(s.run, '--job', seen.id)).map((l) => `${l.id}.eml`));
    expect(written.filter((f) => jobs.has(f))).toHaveLength(1500);
    expect(written.length - 1500).toBe((await listedLetters(s.run)).filter((l) => l.primary_id === 'admin').length);
  }, 120_000);
});

describe('stopping a job', () => {
  it('SIGINT finishes the bulk in flight, ends Aborted by User (exit 1) with a report; resume finishes the rest', async () => {
    const s = await store(patrons(3000));
    const { child, done } = spawnCliOn(s, ['--format', 'json', 'job', 'run', 'update-notify', '--set', 'members', '--status', 'inactive', '--bulk-size', '50']);
    const { lock } = await holdRunningJob(s.db, child, (j) => j.processed >= 50);
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 100));
    lock.release();
    const r = await done;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('SIGINT: job');
    const job = JSON.parse(r.stdout);
    expect(job.status).toBe('Aborted by User');
    expect(job.processed % 50).toBe(0);
    expect(job.processed).toBeLessThan(3000);
    expect(job.notes.join('\n') + (await s.run(['job', 'show', job.id])).stdout).toContain(`alma-users job resume ${job.id}`);
    const inactive = [...(await exportedUsers(s)).values()].filter((u) => u.primary_id.startsWith('P') && u.status === 'INACTIVE').length;
    expect(inactive).toBe(job.processed);

    const resumed = await s.run(['--format', 'json', 'job', 'resume', job.id]);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ status: 'Completed Successfully', counters: { processed: 3000, changed: 3000 } });
  });

  it('job cancel asks a running job to stop after its bulk', async () => {
    // New passwords cost an scrypt hash each, so this job takes seconds.
    const s = await store(patrons(400));
    const { done } = spawnCliOn(s, ['--format', 'json', 'job', 'run', 'update-notify', '--set', 'members', '--notify', 'NOTIFY_PASSWORD_CHANGE', '--bulk-size', '40']);
    const running = await waitForJob(s.db, (j) => j.status === 'Running' && j.processed >= 40);
    const c = await s.run(['job', 'cancel', running.id.slice(0, 6)]);
    expect(c.code).toBe(0);
    expect(c.stderr).toContain('will stop after the bulk in flight');
    const r = await done;
    expect(r.code).toBe(1);
    const job = JSON.parse(r.stdout);
    expect(job).toMatchObject({ id: running.id, status: 'Aborted by User' });
    expect(job.processed).toBeLessThan(400);
    expect(job.counters.letters_sent).toBe(job.processed);
    const again = await s.run(['job', 'cancel', running.id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is not running (Aborted by User)');
  });
});

describe('jobs and sets', () => {
  it('refuses a second job on a set in use, naming the job; a job on another set runs at the same time', async () => {
    const s = await store(patrons(120));
    seedUsers(s.db, Array.from({ length: 50 }, (_, i) => patron(`Q${String(i).padStart(4, '0')}`)));
    await makeSet(s, 'others', Array.from({ length: 50 }, (_, i) => `Q${String(i).padStart(4, '0')}`));
    const first = spawnCliOn(s, ['job', 'run', 'update-notify', '--set', 'members', '--notify', 'NOTIFY_PASSWORD_CHANGE', '--bulk-size', '20']);
    const running = await waitForJob(s.db, (j) => j.status === 'Running');

    const second = await s.run(['job', 'run', 'update-notify', '--set', 'MEMBERS', '--add-role', 'license-viewer']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`set members is in use by job ${running.id}`);
    expect(second.stderr).toContain(`alma-users job cancel ${running.id}`);

    const other = await runJob(s, 'others', ['--add-role', 'license-viewer']);
    expect(other.code).toBe(0);
    expect(other.json.counters.changed).toBe(50);
    expect((await waitForJob(s.db, (j) => j.id === other.json.id)).status).toBe('Completed Successfully');
    const listed = JSON.parse((await s.run(['job', 'list', '--running', '--format', 'json'])).stdout);
    expect(listed.map((j: { id: string }) => j.id)).toContain(running.id);

    const r = await first.done;
    expect(r.code).toBe(0);
  }, 120_000);
});

/** A job that Failed at its second bulk of 100 (users 1-100 done), its cause fixed: ready to resume. */
async function failedHalfway(): Promise<{ s: Store; id: string }> {
  const s = await store(patrons(300));
  const r = await failHalfway(s, ['--add-role', 'license-viewer']);
  expect(r.json).toMatchObject({ status: 'Failed', processed: 100 });
  return { s, id: r.json.id };
}

/**
 * Whether a process waits for the store's write lock (Linux /proc): SQLite's busy handler
 * sleeps between tries, and a Node process otherwise never sleeps that way.
 */
function waitsForLock(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/wchan`, 'utf8').trim() === 'hrtimer_nanosleep';
  } catch {
    return false;
  }
}

/** Makes a job look run by another process (another machine, an earlier boot): no command can. */
function setJob(db: string, id: string, values: Record<string, string | number | null>): void {
  const d = new Database(db);
  d.pragma('busy_timeout = 10000');
  d.prepare(`UPDATE jobs SET ${Object.keys(values).map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`).run({ ...values, id });
  d.close();
}

const thisBoot = fs.existsSync('/proc/sys/kernel/random/boot_id') ? fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() : null;

describe('who runs a job', () => {
  it.runIf(fs.existsSync('/proc/self/wchan'))('of two job resume of the same job at the same moment, exactly one runs it; the other exits 1 naming the job; every member is changed once', async () => {
    const { s, id } = await failedHalfway();
    // Both read the job as resumable while the test holds the write lock; then both try to claim it.
    const lock = holdWriteLock(s.db);
    const a = spawnCliOn(s, ['--format', 'json', 'job', 'resume', id]);
    const b = spawnCliOn(s, ['--format', 'json', 'job', 'resume', id]);
    const until = Date.now() + 9_000; // within the store's busy timeout (10 s)
    while (!(waitsForLock(a.child.pid!) && waitsForLock(b.child.pid!)) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    lock.release();
    const results = await Promise.all([a.done, b.done]);
    const winner = results.find((r) => r.code === 0);
    const loser = results.find((r) => r.code !== 0);
    expect(winner, results.map((r) => r.stderr).join('\n')).toBeDefined();
    expect(JSON.parse(winner!.stdout)).toMatchObject({ status: 'Completed Successfully', processed: 300, counters: { changed: 300 } });
    expect(loser?.code).toBe(1);
    // Told who runs it, or, when the winner finished before the loser got the lock, that it is done.
    expect(loser!.stderr).toMatch(new RegExp(`job ${id} (is running \\(pid \\d+ on .+\\); it cannot be resumed twice|ended Completed Successfully; there is nothing to resume)`));
    const m = await perMember(s, id, 'license-viewer');
    expect(m.changes.every((n) => n === 1)).toBe(true);
    expect(m.roleCounts.every((n) => n === 1)).toBe(true);
  }, 60_000);

  it('a process whose job was taken over (judged dead, claimed by another) stops at its next bulk without finishing the job or writing that bulk', async () => {
    const s = await store(patrons(1500));
    const { child, done } = spawnCliOn(s, ['job', 'run', 'update-notify', '--set', 'members', '--add-role', 'license-viewer', '--bulk-size', '25']);
    // As `job resume` in another process would leave it: Running, owned by that (live) process.
    // Under the write lock, so the job cannot finish before the takeover.
    const { job: seen, lock } = await holdRunningJob(s.db, child, (j) => j.processed >= 25);
    lock.release((d) => d.prepare('UPDATE jobs SET pid = ?, host = ? WHERE id = ?').run(process.pid, os.hostname(), seen.id));
    const r = await done;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`job ${seen.id} was taken over while this process ran it (it is now Running, pid ${process.pid} on ${os.hostname()}); this process stopped without finishing it`);
    const job = JSON.parse((await s.run(['job', 'show', seen.id, '--format', 'json'])).stdout) as { status: string; processed: number };
    expect(job.status).toBe('Running');
    expect(job.processed).toBeLessThan(1500);
    // Left to its new owner: a resume here is refused, naming it.
    const resume = await s.run(['job', 'resume', seen.id]);
    expect(resume.code).toBe(1);
    expect(resume.stderr).toContain(`job ${seen.id} is running (pid ${process.pid} on ${os.hostname()}); it cannot be resumed twice`);
    // Only the bulks checkpointed before the takeover were written.
    expect((await perMember(s, seen.id, 'license-viewer')).roleCounts.filter((n) => n === 1).length).toBe(job.processed);
  }, 60_000);

  it.runIf(thisBoot !== null)('a job and a letter claimed in an earlier boot are dead whatever their pid (pids are reused after a reboot)', async () => {
    const s = await store(patrons(3));
    const r = await runJob(s, 'members', ['--notify', 'GENERAL_MESSAGE']);
    const letter = (await listedLetters(s.run, '--job', r.json.id))[0]!.id;
    // No command leaves a letter with the server or a job owned by a process of another boot:
    // the test writes those states into the store, as a process that died before a reboot left them.
    const d = new Database(s.db);
    d.prepare(`UPDATE outbox SET status = 'sending', claimed_by = ?, claimed_boot = ?, transport = 'smtp://127.0.0.1:25' WHERE id = ?`)
      .run(`${os.hostname()}:${process.pid}`, 'an-earlier-boot', letter);
    d.close();
    // The pid is alive (it is this test's); in this boot, the job is left to it.
    setJob(s.db, r.json.id, { status: 'Running', pid: process.pid, host: os.hostname(), boot_id: thisBoot, ended_at: null });
    const same = await s.run(['job', 'list', '--running', '--format', 'json']);
    expect(same.stderr).not.toContain('left running');
    expect(JSON.parse(same.stdout).map((j: { id: string }) => j.id)).toEqual([r.json.id]);

    setJob(s.db, r.json.id, { boot_id: 'an-earlier-boot' });
    const later = await s.run(['job', 'list', '--format', 'json']);
    expect(later.stderr).toContain(`job ${r.json.id} was left running by a process that is gone; it is now Aborted by System`);
    expect(JSON.parse(later.stdout)[0]).toMatchObject({ id: r.json.id, status: 'Aborted by System' });
    const mail = await s.run(['mail', 'list', '--format', 'json']);
    expect(mail.stderr).toContain('1 letter(s) were with the SMTP server when a process died: marked uncertain');
  });

  it('job abort --force (User Administrator) ends a job whose process this machine cannot see; resume then finishes it', async () => {
    const { s, id } = await failedHalfway();
    // Left Running by a process on another machine (the store on a shared disk): nobody here can judge it.
    setJob(s.db, id, { status: 'Running', pid: 4242, host: 'elsewhere.example.edu', boot_id: null, ended_at: null });
    const list = await s.run(['job', 'list', '--running', '--format', 'json']);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ id, status: 'Running' })]);
    const unforced = await s.run(['job', 'abort', id]);
    expect(unforced.code).toBe(2);
    expect(unforced.stderr).toContain(`job ${id} is running (pid 4242 on elsewhere.example.edu); abort only a job whose process you know is dead`);
    const r = await s.run(['--format', 'json', 'job', 'abort', id, '--force']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id, status: 'Aborted by System', error: expect.stringContaining('declared dead by admin') });
    const resumed = await s.run(['--format', 'json', 'job', 'resume', id]);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ status: 'Completed Successfully', processed: 300 });

    // A job whose process is alive here is not aborted: it is asked to stop.
    setJob(s.db, id, { status: 'Running', pid: process.pid, host: os.hostname(), boot_id: thisBoot });
    const live = await s.run(['job', 'abort', id, '--force']);
    expect(live.code).toBe(1);
    expect(live.stderr).toContain('which is alive on this machine; it was not aborted');
  }, 60_000);
});
