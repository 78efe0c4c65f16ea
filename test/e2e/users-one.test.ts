import { describe, expect, it } from 'vitest';
import { tempStores, type CliResult } from '../helpers/cli.js';
import { jsonOf } from '../helpers/sets-users.js';
import { storeText } from '../helpers/smtp.js';
import { patron, seedUsers } from '../helpers/seed.js';

/** users add / edit / reset-password / delete: each a job of one user, audited and undone with job undo. */

const store = tempStores();

// any: each assertion reads the shape it expects of the command's JSON.
const json = (r: CliResult) => jsonOf<any>(r);

async function withPatrons() {
  const s = await store();
  seedUsers(s.db, [
    patron('0012345', { middle_name: 'Q' }),
    patron('EXT1', { account_type: 'EXTERNAL', external_id: 'SIS' }),
    patron('NOMAIL', { emails: [] }),
    patron('MANAGER', { record_type: 'STAFF', roles: [{ role: 'user-manager', status: 'ACTIVE' }] }),
  ]);
  const show = async (id: string) => json(await s.run(['--format', 'json', 'users', 'show', id]));
  const history = async (id: string) => (json(await s.run(['--format', 'json', 'users', 'history', id])) as { change: string; job: string }[]);
  return { s, show, history };
}

describe('users add', () => {
  it("creates a user with Alma's mandatory fields and the chosen actions; audited; job undo deletes it again", async () => {
    const { s, show, history } = await withPatrons();
    const r = await s.run(['--format', 'json', 'users', 'add', '0099', '--first-name', 'Ada', '--last-name', 'Lovelace', '--record-type', 'staff',
      '--user-group', 'staff', '--email', 'ada@example.edu', '--role', 'cataloger@MAIN', '--expiry-date', '2030-01-31']);
    expect(r.code).toBe(0);
    const job = json(r);
    expect(job).toMatchObject({ type: 'user-add', status: 'Completed Successfully', counters: { users_created: 1, changed: 1 } });
    expect(await show('0099')).toMatchObject({
      primary_id: '0099', first_name: 'Ada', last_name: 'Lovelace', record_type: { value: 'STAFF' }, user_group: { value: 'STAFF' }, expiry_date: '2030-01-31Z',
    });
    expect((await history('0099')).map((l) => [l.change, l.job])).toEqual([['user created', job.id]]);
    const undo = await s.run(['--format', 'json', 'job', 'undo', job.id, '--yes']);
    expect(json(undo).counters).toMatchObject({ changed: 1, changes_reverted: 1 });
    const gone = await s.run(['users', 'show', '0099']);
    expect(gone.stderr).toContain('no user 0099');
  });

  it('refuses a user without First Name or Last Name, and a primary ID that exists, changing nothing', async () => {
    const { s } = await withPatrons();
    const noLast = await s.run(['users', 'add', 'NEW1', '--first-name', 'Ada']);
    expect(noLast.code).toBe(2);
    expect(noLast.stderr).toContain('users add needs --last-name');
    const taken = await s.run(['users', 'add', '0012345', '--first-name', 'Ada', '--last-name', 'L']);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('a user 0012345 exists already');
    expect(json(await s.run(['--format', 'json', 'job', 'list']))).toEqual([]);
  });

  it('--dry-run shows the user that would be created and creates nothing', async () => {
    const { s } = await withPatrons();
    const r = await s.run(['users', 'add', 'NEW2', '--first-name', 'Ada', '--last-name', 'Lovelace', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('user created');
    expect(r.stdout).toContain('first_name: (empty) -> Ada');
    expect((await s.run(['users', 'show', 'NEW2'])).code).not.toBe(0);
  });
});

describe('users edit', () => {
  it('sets fields and applies update/notify actions as one job; --dry-run shows before -> after first; job undo reverts it', async () => {
    const { s, show, history } = await withPatrons();
    const args = ['users', 'edit', '0012345', '--first-name', 'Patricia', '--middle-name', '', '--email', 'pat@example.org', '--add-role', 'license-viewer', '--expiry-date', '2031-12-31'];
    const dry = await s.run([...args, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('first_name: Pat -> Patricia');
    expect(dry.stdout).toContain('expiry_date: 2027-06-30 -> 2031-12-31');
    expect((await show('0012345')).first_name).toBe('Pat');
    const job = json(await s.run(['--format', 'json', ...args, '--reason', 'name change']));
    expect(job).toMatchObject({ type: 'user-edit', status: 'Completed Successfully', counters: { roles_added: 1, expiry_dates_changed: 1, fields_changed: 3 } });
    const u = await show('0012345');
    expect(u).toMatchObject({ first_name: 'Patricia', expiry_date: '2031-12-31Z', contact_info: { email: [{ email_address: 'pat@example.org' }] } });
    expect(u.middle_name ?? '').toBe('');
    expect((await history('0012345')).map((l) => l.change)).toEqual(expect.arrayContaining(['first_name: Pat -> Patricia', 'middle_name: Q -> (empty)', 'roles +license-viewer']));
    await s.run(['job', 'undo', job.id, '--yes']);
    expect(await show('0012345')).toMatchObject({ first_name: 'Pat', middle_name: 'Q', expiry_date: '2027-06-30Z' });
  });

  it('refuses an empty mandatory field, and nothing to change', async () => {
    const { s } = await withPatrons();
    const empty = await s.run(['users', 'edit', '0012345', '--last-name', ' ']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--last-name may not be empty');
    const nothing = await s.run(['users', 'edit', '0012345']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('nothing to change');
  });

  it('a User Manager edits a patron but not a restricted account (exit 4), as in jobs', async () => {
    const { s, show } = await withPatrons();
    seedUsers(s.db, [patron('ADMIN2', { record_type: 'STAFF', roles: [{ role: 'user-administrator', status: 'ACTIVE' }] })]);
    const asManager = { env: { ALMA_USERS_OPERATOR: 'MANAGER' } };
    expect((await s.run(['users', 'edit', '0012345', '--job-description', 'Shelver'], asManager)).code).toBe(0);
    const refused = await s.run(['users', 'edit', 'ADMIN2', '--first-name', 'X'], asManager);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('restricted account');
    expect((await show('ADMIN2')).first_name).toBe('Pat');
    const del = await s.run(['users', 'delete', 'ADMIN2', '--yes'], asManager);
    expect(del.code).toBe(4);
  });
});

describe('users reset-password', () => {
  it('--notify: a new 10-character password, forced change, carried only by the letter; nothing secret printed', async () => {
    const { s, show, history } = await withPatrons();
    const before = (await s.run(['--format', 'json', 'users', 'show', '0012345'])).stdout;
    const r = await s.run(['--format', 'json', 'users', 'reset-password', '0012345', '--notify']);
    expect(r.code).toBe(0);
    expect(json(r)).toMatchObject({ type: 'user-reset-password', counters: { passwords_reset: 1, letters_sent: 1 } });
    const letters = json(await s.run(['--format', 'json', 'mail', 'list'])) as { notification_type: string; primary_id: string; status: string }[];
    expect(letters.map((l) => [l.primary_id, l.notification_type, l.status])).toEqual([['0012345', 'NOTIFY_PASSWORD_CHANGE', 'sent']]);
    const fs = await import('node:fs');
    const path = await import('node:path');
    const dir = path.join(s.dir, 'store.outbox');
    const eml = fs.readFileSync(path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.eml'))!), 'utf8');
    const password = /temporary password:?\s*(?:=\r?\n)?\s*([A-Za-z0-9]{10})\b/.exec(eml.replace(/=\r?\n/g, ''))?.[1];
    expect(password).toMatch(/^[A-Za-z0-9]{10}$/);
    expect(r.stdout + r.stderr).not.toContain(password!);
    expect(storeText(s.db)).not.toContain(password!);
    expect(await show('0012345')).toMatchObject({ force_password_change: 'true' });
    expect(before).not.toBe((await s.run(['--format', 'json', 'users', 'show', '0012345'])).stdout);
    expect((await history('0012345')).map((l) => l.change)).toContain('password reset');
  });

  it('refuses an external user, and --notify for a user without e-mail; without --notify warns that nobody learns it', async () => {
    const { s } = await withPatrons();
    const ext = await s.run(['users', 'reset-password', 'EXT1']);
    expect(ext.code).toBe(1);
    expect(ext.stderr).toContain('the password belongs to the SIS');
    const noMail = await s.run(['users', 'reset-password', 'NOMAIL', '--notify']);
    expect(noMail.stderr).toContain('no e-mail address');
    const silent = await s.run(['users', 'reset-password', 'NOMAIL']);
    expect(silent.code).toBe(0);
    expect(silent.stderr).toContain('nobody learns the new password');
  });
});

describe('users delete', () => {
  it('deletes one user; job undo creates it again as it was, under its own history', async () => {
    const { s, show, history } = await withPatrons();
    await s.run(['users', 'edit', '0012345', '--job-description', 'Shelver']);
    const was = await show('0012345');
    const del = json(await s.run(['--format', 'json', 'users', 'delete', '0012345', '--reason', 'duplicate']));
    expect(del).toMatchObject({ type: 'user-delete', status: 'Completed Successfully', counters: { users_deleted: 1 } });
    expect((await s.run(['users', 'show', '0012345'])).code).not.toBe(0);
    const undo = json(await s.run(['--format', 'json', 'job', 'undo', del.id, '--yes']));
    expect(undo).toMatchObject({ status: 'Completed Successfully', counters: { changes_reverted: 1 } });
    expect(await show('0012345')).toEqual(was);
    expect((await history('0012345')).map((l) => l.change)).toEqual(['job_description: (empty) -> Shelver', 'user deleted', 'user created']);
  });

  it('a user cannot delete itself; --dry-run deletes nothing', async () => {
    const { s, show } = await withPatrons();
    const self = await s.run(['users', 'delete', 'admin', '--yes']);
    expect(self.code).toBe(1);
    expect(self.stderr).toContain('cannot delete itself');
    const dry = await s.run(['users', 'delete', '0012345', '--dry-run']);
    expect(dry.stdout).toContain('user deleted');
    expect((await show('0012345')).primary_id).toBe('0012345');
  });
});
