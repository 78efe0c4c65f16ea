import type { ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { spawnCli } from './cli.js';
import type { Store } from './jobs.js';

/**
 * Jobs in flight, as the tests that signal, kill or block them follow them: the CLI started
 * in the background, the newest job polled from the store, and the store's write lock held.
 */

/** The CLI started in the background against the store, as `admin`, for tests that signal or kill it mid-job. */
export function spawnCliOn(s: Store, args: string[]): ReturnType<typeof spawnCli> {
  return spawnCli(args, { env: { ALMA_USERS_DB: s.db, ALMA_USERS_OPERATOR: 'admin' } });
}

/** The newest job, as the tests follow it. */
type JobSeen = { id: string; status: string; processed: number; total: number };
const NEWEST_JOB = 'SELECT id, status, processed, total FROM jobs ORDER BY submitted_at DESC, rowid DESC LIMIT 1';

/** Polls the store (read-only, never blocked in WAL mode) until `test` holds for the newest job. */
export async function waitForJob(db: string, test: (job: JobSeen) => boolean, timeoutMs = 30_000): Promise<JobSeen> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const d = new Database(db, { readonly: true });
      try {
        const job = d.prepare(NEWEST_JOB).get() as JobSeen | undefined;
        if (job && test(job)) return job;
      } finally {
        d.close();
      }
    } catch {
      // the store is being created or migrated; try again
    }
    if (Date.now() > until) throw new Error('timed out waiting for the job');
    await new Promise((r) => setTimeout(r, 2));
  }
}

/**
 * Waits until the newest job (run by `child`) passes `test` while it is Running with members
 * left, and holds the write lock from then on, read under the lock so that the job cannot
 * finish between being seen and being held. The job takes the lock again a moment after
 * each commit, so a waiting BEGIN (SQLite's busy handler sleeps between tries) could miss
 * every gap until the job ends: the job's process is paused (SIGSTOP) while the lock is
 * tried once, and resumed; a pause that finds the job inside a transaction tries again.
 */
export async function holdRunningJob(
  db: string, child: ChildProcess, test: (job: JobSeen) => boolean, timeoutMs = 30_000,
): Promise<{ job: JobSeen; lock: WriteLock }> {
  const ready = (j: JobSeen): boolean => j.status === 'Running' && j.processed < j.total && test(j);
  await waitForJob(db, ready, timeoutMs);
  const until = Date.now() + timeoutMs;
  const d = new Database(db);
  d.pragma('busy_timeout = 0');
  const read = d.prepare(NEWEST_JOB);
  for (;;) {
    child.kill('SIGSTOP');
    try {
      if (tryBegin(d)) {
        const job = read.get() as JobSeen | undefined;
        if (job && ready(job)) return { job, lock: lockOn(d) };
        d.exec('ROLLBACK');
        if (job && job.processed >= job.total) throw new Error(`job ${job.id} ran to its end before the test could hold it: give it more work`);
      }
    } catch (e) {
      d.close();
      throw e;
    } finally {
      child.kill('SIGCONT');
    }
    if (Date.now() > until) {
      d.close();
      throw new Error('timed out holding the running job');
    }
    // Long enough for the job to leave the transaction it was paused in, short enough to find it between two.
    await new Promise((r) => setTimeout(r, Math.random() < 0.5 ? 0 : 1));
  }
}

/** BEGIN IMMEDIATE without waiting: false while another connection holds the write lock. */
function tryBegin(d: Database.Database): boolean {
  try {
    d.exec('BEGIN IMMEDIATE');
    return true;
  } catch (e) {
    if (String((e as { code?: unknown }).code).startsWith('SQLITE_BUSY')) return false;
    throw e;
  }
}

interface WriteLock {
  /** Lets go of the lock; with `write`, after committing what it writes (a change the job sees only after it). */
  release(write?: (d: Database.Database) => void): void;
}

/** The write lock `d` holds (BEGIN IMMEDIATE done). */
function lockOn(d: Database.Database): WriteLock {
  d.pragma('busy_timeout = 10000');
  return {
    release(write) {
      if (write) {
        write(d);
        d.exec('COMMIT');
      } else d.exec('ROLLBACK');
      d.close();
    },
  };
}

/**
 * Holds the store's write lock from the test, so the job cannot commit its next bulk: what
 * the test sees then stays as it is until release().
 */
export function holdWriteLock(db: string): WriteLock {
  const d = new Database(db);
  d.pragma('busy_timeout = 10000');
  d.exec('BEGIN IMMEDIATE');
  return lockOn(d);
}
