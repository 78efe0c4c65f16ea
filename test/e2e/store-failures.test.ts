import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { storeFailure } from '../../src/store/failures.js';
import { cli, cliProcess } from '../helpers/cli.js';
import { patrons, storeWithSet } from '../helpers/jobs.js';
import { holdRunningJob, holdWriteLock, spawnCliOn } from '../helpers/running-jobs.js';

/** What a writer that may not wait gets while another connection holds the write lock: SQLite's own SQLITE_BUSY. */
function busyFailure(db: string): unknown {
  const d = new Database(db);
  d.pragma('busy_timeout = 0');
  try {
    d.exec("UPDATE config SET value = value WHERE key = 'initialised_by'");
    return undefined;
  } catch (e) {
    return e;
  } finally {
    d.close();
  }
}

describe('another writer', () => {
  it('waits its turn: a command started while the write lock is held goes through once it is let go', async () => {
    const s = await storeWithSet(patrons(1));
    try {
      const lock = holdWriteLock(s.db);
      const waiting = cliProcess(['config', 'set', 'institution.name', 'Patient Library'], { env: { ALMA_USERS_DB: s.db, ALMA_USERS_OPERATOR: 'admin' } });
      await new Promise((r) => setTimeout(r, 1500));
      lock.release();
      const r = await waiting;
      expect(r.stderr).not.toContain('error');
      expect(r.code).toBe(0);
      expect((await s.run(['config', 'get', 'institution.name'])).stdout).toBe('Patient Library\n');
    } finally {
      s.cleanup();
    }
  });

  it('when it must give up, the message names the job that holds the store, not "database is locked"', async () => {
    const s = await storeWithSet(patrons(3000));
    try {
      const { child, done } = spawnCliOn(s, ['job', 'run', 'update-notify', '--set', 'members', '--status', 'inactive', '--bulk-size', '50', '--name', 'deactivations']);
      const { job, lock } = await holdRunningJob(s.db, child, (j) => j.processed >= 50);
      try {
        const failure = storeFailure(busyFailure(s.db), s.db);
        expect(failure?.message).toMatch(new RegExp(`^the store ${s.db} stayed busy for too long: job ${job.id} \\(deactivations\\) of admin is running, pid \\d+ on `));
        expect(failure?.message).not.toContain('database is locked');
        expect(failure?.hint).toContain('alma-users job list --running');
      } finally {
        lock.release();
      }
      expect((await done).code).toBe(0);
      // With no job at work, the holder is some other program.
      const other = holdWriteLock(s.db);
      try {
        expect(storeFailure(busyFailure(s.db), s.db)?.message).toContain('another program held its write lock (another alma-users command, a backup, or the sqlite3 shell)');
      } finally {
        other.release();
      }
    } finally {
      s.cleanup();
    }
  });
});

describe('a full disk', () => {
  it("SQLite's SQLITE_FULL reads as the disk being full, the step rolled back, with what to do", async () => {
    const s = await storeWithSet(patrons(1));
    try {
      // A page limit is how SQLite meets a full disk: the same SQLITE_FULL, on a real store.
      const d = new Database(s.db);
      d.pragma(`max_page_count = ${d.pragma('page_count', { simple: true }) as number}`);
      let full: unknown;
      try {
        d.exec(`INSERT INTO config (key, value) VALUES ('filler', '${'x'.repeat(200_000)}')`);
      } catch (e) {
        full = e;
      } finally {
        d.close();
      }
      const failure = storeFailure(full, s.db);
      expect(failure?.kind).toBe('environment');
      expect(failure?.message).toBe(`the disk holding ${s.db} is full; the step in progress was rolled back`);
      expect(failure?.hint).toContain('free some space');
      expect(storeFailure(new Error('not SQLite'), s.db)).toBeUndefined();
    } finally {
      s.cleanup();
    }
  });
});

describe('a file-system failure', () => {
  it('names the path and exits 2, with no stack', async () => {
    const s = await storeWithSet(patrons(1));
    try {
      const r = await cli(['users', 'import', `${s.dir}/no-such-folder/users.csv`], { env: { ALMA_USERS_DB: s.db, ALMA_USERS_OPERATOR: 'admin' } });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${s.dir}/no-such-folder/users.csv`);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    } finally {
      s.cleanup();
    }
  });
});
