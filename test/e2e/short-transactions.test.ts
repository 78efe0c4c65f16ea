import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempStore, type CliResult } from '../helpers/cli.js';
import { patrons, storeWithSet } from '../helpers/jobs.js';
import { spawnCliOn, waitForJob } from '../helpers/running-jobs.js';

/**
 * A job whose bulk would hold every user in one transaction (`--bulk-size 100000`) and
 * renders a letter for each, run by cron beside an operator's commands: the engine commits
 * in short parts, so a setting, an import and a new set each wait their turn (seconds, not
 * the whole job), go through, and finish while the job is still working.
 */

const USERS = 3000;
const IMPORTED = 200;

function importFile(n: number): string {
  const rows = Array.from({ length: n }, (_, i) => {
    const id = `NEW${String(i + 1).padStart(4, '0')}`;
    return `${id},New,Comer ${id},${id.toLowerCase()}@example.edu,GRAD,patron`;
  });
  return ['primary_id,first_name,last_name,email,user_group,roles', ...rows].join('\n') + '\n';
}

describe('short transactions', () => {
  it('--bulk-size 100000 --notify: config set, users import and set create beside it each succeed before the job ends, none sees a locked store', async () => {
    const s = await storeWithSet(patrons(USERS), 'everyone');
    try {
      const imported = s.file('newcomers.csv', importFile(IMPORTED));
      const finished: string[] = [];
      const track = (name: string, run: { done: Promise<CliResult> }) => run.done.then((r) => {
        finished.push(name);
        return r;
      });

      const job = track('job', spawnCliOn(s, [
        '--format', 'json', 'job', 'run', 'update-notify', '--set', 'everyone', '--add-note', 'term start',
        '--bulk-size', '100000', '--notify', 'GENERAL_MESSAGE',
      ]));
      // The others start once the job has committed a first part and holds more to do.
      const seen = await waitForJob(s.db, (j) => j.processed > 0 && j.processed < j.total, 60_000);
      expect(seen.total).toBe(USERS);

      const others = await Promise.all([
        track('config set', spawnCliOn(s, ['config', 'set', 'institution.name', 'Busy Library'])),
        track('users import', spawnCliOn(s, ['users', 'import', imported])),
        track('set create', spawnCliOn(s, ['set', 'create', 'graduates', '--query', 'user_group = "GRAD"'])),
      ]);
      for (const r of others) {
        expect(r.stderr).not.toMatch(/database is locked|SQLITE_BUSY|stayed busy/i);
        expect(r.code, r.stderr).toBe(0);
      }
      const done = await job;
      expect(done.stderr).not.toMatch(/database is locked|SQLITE_BUSY/i);
      expect(done.code, done.stderr).toBe(0);
      // Each waited for a part of the job, not for the whole of it.
      expect(finished.at(-1)).toBe('job');

      const report = JSON.parse(done.stdout) as { status: string; counters: Record<string, number> };
      expect(report).toMatchObject({ status: 'Completed Successfully', counters: { processed: USERS, changed: USERS, letters_queued: USERS } });
      expect((await s.run(['config', 'get', 'institution.name'])).stdout).toBe('Busy Library\n');
      const graduates = JSON.parse((await s.run(['set', 'show', 'graduates', '--format', 'json'])).stdout) as { members: number };
      expect(graduates.members).toBe(IMPORTED);
    } finally {
      s.cleanup();
    }
  }, 180_000);

  it('users import writes what it has read before it hashes passwords, and holds no lock while it hashes them', async () => {
    // 3,000 users without a password (more than two of the reader's 64 KB pieces, less
    // than a transaction's 20,000 users), then 30 with one: about two seconds of scrypt. Before
    // the first of them is hashed, the users read so far are committed and the store is free.
    const s = await tempStore();
    try {
      const plain = importFile(3000).trimEnd().split('\n').map((l, i) => (i === 0 ? `${l},password` : `${l},`));
      const withPassword = Array.from({ length: 30 }, (_, i) => `PW${String(i + 1).padStart(3, '0')},Pass,Word,pw${i + 1}@example.edu,GRAD,patron,Secret-${i + 1}-pass`);
      const file = s.file('passwords.csv', [...plain, ...withPassword].join('\n') + '\n');
      const run = spawnCliOn(s, ['--format', 'json', 'users', 'import', file]);
      let ended = false;
      const done = run.done.finally(() => (ended = true));
      let freeWithTheFirst = false;
      while (!ended && !freeWithTheFirst) {
        const d = new Database(s.db, { timeout: 0 });
        try {
          // The administrator and users without a password, none with one yet: it is hashing.
          const n = d.prepare('SELECT count(*) FROM users').pluck().get() as number;
          if (n > 1000 && n <= 3001) {
            d.exec('BEGIN IMMEDIATE');
            d.exec('ROLLBACK');
            freeWithTheFirst = true;
          }
        } catch (e) {
          if ((e as { code?: string }).code !== 'SQLITE_BUSY') throw e;
        } finally {
          d.close();
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      const r = await done;
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ created: 3030, rejected: 0 });
      expect(freeWithTheFirst).toBe(true);
    } finally {
      s.cleanup();
    }
  }, 120_000);
});
