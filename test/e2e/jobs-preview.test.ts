import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.js';
import { patron, seedUsers } from '../helpers/seed.js';
import { exportedUsers, history, jobList, patrons, runJob, storeWithSet, userFacts, type Store } from '../helpers/jobs.js';
import { listedLetters } from '../helpers/smtp.js';

let s: Store;
beforeAll(async () => {
  s = await storeWithSet([
    ...patrons(14),
    patron('=HYPERLINK("x")'),
    patron('NOMAIL', { emails: [] }),
    patron('R1', { roles: [{ role: 'user-administrator' }] }),
  ], 'members');
  seedUsers(s.db, [patron('MANAGER', { roles: [{ role: 'user-manager' }] })]);
});
afterAll(() => s.cleanup());

/** What the store shows (every user, each one's history, the jobs, the letters) and the .eml outbox's files. */
async function snapshot(): Promise<unknown[]> {
  const users = await exportedUsers(s);
  const histories = await Promise.all([...users.keys()].map((id) => history(s, id)));
  const outbox = path.join(s.dir, 'store.outbox');
  return [users, histories, await jobList(s), await listedLetters(s.run), fs.existsSync(outbox) ? fs.readdirSync(outbox).sort() : []];
}

describe('--dry-run', () => {
  it('changes and sends nothing; counts per action what would change, stay or fail; shows the first 10 changes', async () => {
    const before = await snapshot();
    const r = await s.run(['--format', 'json', 'job', 'run', 'update-notify', '--set', 'members', '--status', 'inactive', '--add-role', 'license-viewer', '--notify', 'GENERAL_MESSAGE', '--dry-run'], { env: { ALMA_USERS_OPERATOR: 'MANAGER' } });
    expect(r.code).toBe(3);
    const p = JSON.parse(r.stdout);
    expect(p).toMatchObject({ dry_run: true, set: 'members', members: 17, counters: { changed: 16, errors: 1, warnings: 1, letters_queued: 15, no_email: 1 } });
    expect(p.actions).toEqual([
      { action: '--add-role license-viewer', changed: 16, unchanged: 0, failed: 1 },
      { action: '--status inactive', changed: 16, unchanged: 0, failed: 1 },
      { action: '--notify GENERAL_MESSAGE', changed: 15, unchanged: 1, failed: 1 },
    ]);
    expect(p.samples).toHaveLength(10);
    expect(p.samples[0].changes).toEqual(['roles +license-viewer', 'status: ACTIVE -> INACTIVE', expect.stringMatching(/^status_date: \(empty\) -> \d{4}-\d\d-\d\d$/)]);
    expect(p.issues.map((i: { message: string }) => i.message)).toEqual([
      'restricted account: only a User Administrator may change a user holding user-administrator', 'no e-mail address: no letter sent',
    ]);
    expect(await snapshot()).toEqual(before);

    const table = await s.run(['job', 'run', 'update-notify', '--set', 'members', '--status', 'inactive', '--dry-run']);
    expect(table.stdout).toMatch(/--status inactive\s+17\s+0\s+0/);
    expect(table.stdout).toContain('dry run: nothing was changed and nothing was sent');
  });

  it('--preview-file writes every user\'s planned change as CSV, formulas neutralised', async () => {
    const file = path.join(s.dir, 'preview.csv');
    const r = await s.run(['job', 'run', 'update-notify', '--set', 'members', '--expiry-date', '2030-06-30', '--dry-run', '--preview-file', file]);
    expect(r.code).toBe(0);
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('primary_id,outcome,changes,letter,reason');
    expect(lines).toHaveLength(18);
    expect(lines).toContain(`'=HYPERLINK(""x""),would change,expiry_date: 2027-06-30 -> 2030-06-30,,`.replace(`'=HYPERLINK(""x"")`, `"'=HYPERLINK(""x"")"`));
    expect(lines).toContain('P00001,would change,expiry_date: 2027-06-30 -> 2030-06-30,,');
    expect((await userFacts(s, 'P00001')).expiry_date).toBe('2027-06-30');
    const without = await s.run(['job', 'run', 'update-notify', '--set', 'members', '--expiry-date', '2030-06-30', '--preview-file', file]);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain('--preview-file goes with --dry-run');
  });
});

describe('dates are never a day off', () => {
  for (const tz of ['Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
    it(`writes the dates given, and dates relative to the local today, in ${tz}`, async () => {
      const env = { TZ: tz };
      const abs = await runJob(s, 'members', ['--expiry-date', '2027-03-01', '--purge-date', '2028-02-29', '--status', 'active'], env);
      expect(abs.code).toBe(0);
      expect(await userFacts(s, 'P00002')).toMatchObject({ expiry_date: '2027-03-01', purge_date: '2028-02-29' });

      const local = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
      const [y, m, d] = local.split('-').map(Number) as [number, number, number];
      const plus30d = new Date(Date.UTC(y, m - 1, d + 30)).toISOString().slice(0, 10);
      const lastDay = new Date(Date.UTC(y, m - 1 + 18 + 1, 0)).getUTCDate();
      const plus18m = new Date(Date.UTC(y, m - 1 + 18, Math.min(d, lastDay))).toISOString().slice(0, 10);
      const rel = await runJob(s, 'members', ['--expiry-date', '+18m', '--purge-date', '+30d', '--status', 'inactive'], env);
      expect(rel.json.counters.errors).toBe(0);
      expect(await userFacts(s, 'P00003')).toMatchObject({ expiry_date: plus18m, purge_date: plus30d, status_date: local });
    });
  }
});

describe('on a terminal', () => {
  /** Runs the CLI on a pseudo-terminal (util-linux script), typing `answer`. */
  function onTty(args: string[], answer: string): Promise<{ code: number | null; out: string }> {
    const cmd = ['stty cols 100 rows 40;', process.execPath, BIN, ...args].map((a) => (a.endsWith(';') ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
    return new Promise((resolve, reject) => {
      const child = spawn('script', ['-qec', cmd, '/dev/null'], {
        cwd: ROOT, env: { PATH: process.env.PATH, HOME: os.tmpdir(), ALMA_USERS_DB: s.db, ALMA_USERS_OPERATOR: 'admin' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('Run this job? [y/N]') && !child.stdin.writableEnded) child.stdin.end(answer + '\n');
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, out }));
    });
  }

  it('shows the set, its member count and the actions, and changes nothing unless confirmed', async () => {
    const no = await onTty(['job', 'run', 'update-notify', '--set', 'members', '--add-statistic', 'RESEARCHER'], 'n');
    expect(no.out).toContain('Set:      members (17 members now)');
    expect(no.out).toContain('Actions:  --add-statistic RESEARCHER');
    expect(no.out).toContain('not confirmed; nothing was changed');
    expect(no.code).toBe(1);
    expect((await userFacts(s, 'P00001')).user_statistic).toEqual([]);

    const yes = await onTty(['job', 'run', 'update-notify', '--set', 'members', '--add-statistic', 'RESEARCHER'], 'y');
    expect(yes.code).toBe(0);
    expect(yes.out).toContain('Completed Successfully');
    expect((await userFacts(s, 'P00001')).user_statistic).toEqual([{ statistic_category: 'RESEARCHER', category_type: '', statistic_note: '', segment_type: 'Internal' }]);
  });
});
