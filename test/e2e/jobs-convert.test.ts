import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/domain/password.js';
import { patron } from '../helpers/seed.js';
import { exportedUsers, history, jobList, passwordHash, runJob, storeWithSet, userFacts, type Store } from '../helpers/jobs.js';
import { listedLetters } from '../helpers/smtp.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

/** E1 external with e-mail, E2 external without, I1 internal. */
async function mixed(): Promise<Store> {
  const s = await storeWithSet([
    patron('E1', { account_type: 'EXTERNAL', external_id: 'SIS' }),
    patron('E2', { account_type: 'EXTERNAL', external_id: 'SIS', emails: [] }),
    patron('I1'),
  ]);
  cleanups.push(s.cleanup);
  return s;
}

/**
 * The job's letters as `mail list --job` lists them, each parsed from the .eml file the outbox
 * wrote for it (the operator's own job letter is not the job's), by recipient.
 */
async function letters(s: Store, jobId: string): Promise<Map<string, { subject: string; text: string; html: string }>> {
  const out = new Map<string, { subject: string; text: string; html: string }>();
  for (const letter of await listedLetters(s.run, '--job', jobId)) {
    const m = await simpleParser(fs.readFileSync(path.join(s.dir, 'store.outbox', `${letter.id}.eml`)));
    out.set(m.to && !Array.isArray(m.to) ? m.to.text : '', { subject: m.subject ?? '', text: m.text ?? '', html: String(m.html) });
  }
  return out;
}

function temporaryPassword(text: string): string {
  const m = /Your temporary password: (\S+)/.exec(text);
  if (!m) throw new Error(`no password in the letter:\n${text}`);
  return m[1]!;
}

describe('--convert-to internal', () => {
  it('makes external accounts internal, clears external_id and resets the password (hash only, forced change); no letter', async () => {
    const s = await mixed();
    const r = await runJob(s, 'members', ['--convert-to', 'internal']);
    expect(r.code).toBe(0);
    expect(r.json.counters).toMatchObject({ changed: 2, unchanged: 1, accounts_converted: 2, passwords_reset: 2 });
    for (const id of ['E1', 'E2']) {
      expect(await userFacts(s, id)).toMatchObject({ account_type: 'INTERNAL', external_id: '', force_password_change: true });
      // No command shows a password hash: whether one was set is read from the store file.
      expect(passwordHash(s.db, id)).toMatch(/^scrypt\$/);
    }
    expect(await userFacts(s, 'I1')).toMatchObject({ force_password_change: false });
    expect(passwordHash(s.db, 'I1')).toBeNull();
    const h = await history(s, 'E1');
    expect(h.map(({ field, before, after }) => ({ field, before, after }))).toEqual([
      { field: 'account_type', before: 'EXTERNAL', after: 'INTERNAL' },
      { field: 'external_id', before: 'SIS', after: null },
      { field: 'password', before: null, after: 'reset' },
      { field: 'force_password_change', before: false, after: true },
    ]);
    expect(JSON.stringify(h)).not.toContain('scrypt');
    expect(await listedLetters(s.run, '--job', r.json.id)).toEqual([]);
  });

  it('keeps the password with --no-password-reset', async () => {
    const s = await mixed();
    const r = await runJob(s, 'members', ['--convert-to', 'internal', '--no-password-reset']);
    expect(r.code).toBe(0);
    expect(r.json.counters).toMatchObject({ accounts_converted: 2 });
    expect(r.json.counters.passwords_reset ?? 0).toBe(0);
    expect(await userFacts(s, 'E1')).toMatchObject({ account_type: 'INTERNAL', external_id: '', force_password_change: false });
    expect(passwordHash(s.db, 'E1')).toBeNull();
  });

  it('with --notify NOTIFY_PASSWORD_CHANGE, sends the password letter only to users whose password it reset; the password is nowhere else', async () => {
    const s = await mixed();
    const r = await runJob(s, 'members', ['--convert-to', 'internal', '--notify', 'NOTIFY_PASSWORD_CHANGE', '--reason', 'SIS retired']);
    expect(r.code).toBe(3);
    expect(r.json.status).toBe('Completed with Warnings');
    expect(r.json.counters).toMatchObject({ accounts_converted: 2, passwords_reset: 2, letters_queued: 1, letters_sent: 1, no_email: 1 });
    const sent = await letters(s, r.json.id);
    expect([...sent.keys()]).toEqual(['e1@example.edu']);
    const password = temporaryPassword(sent.get('e1@example.edu')!.text);
    expect(password).toMatch(/^[A-Za-z2-9]{10}$/);
    expect(await verifyPassword(password, String(passwordHash(s.db, 'E1')))).toBe(true);

    // Nowhere but in the letter: not in any output, report, history, nor the store file.
    const outputs = [
      r.stdout, r.stderr,
      ...(await Promise.all([
        s.run(['job', 'show', r.json.id]), s.run(['job', 'show', r.json.id, '--format', 'json']),
        s.run(['job', 'report', r.json.id, '--format', 'csv']), s.run(['job', 'report', r.json.id, '--format', 'ndjson']),
        s.run(['users', 'history', 'E1', '--format', 'json']), s.run(['job', 'list']), s.run(['mail', 'list', '--format', 'json']),
        s.run(['users', 'show', 'E1', '--format', 'json']), s.run(['users', 'export', '--to', 'ndjson']),
      ])).flatMap((x) => [x.stdout, x.stderr]),
    ];
    for (const o of outputs) expect(o).not.toContain(password);
    for (const f of [s.db, `${s.db}-wal`].filter((x) => fs.existsSync(x))) expect(fs.readFileSync(f).includes(password)).toBe(false);
    const report = (await s.run(['job', 'report', r.json.id, '--format', 'json'])).stdout;
    expect(JSON.parse(report)).toEqual([
      { primary_id: 'E1', outcome: 'changed', changes: 'account_type: EXTERNAL -> INTERNAL; external_id: SIS -> (empty); password reset; force_password_change: false -> true', letter: 'sent', reason: '' },
      { primary_id: 'E2', outcome: 'changed', changes: 'account_type: EXTERNAL -> INTERNAL; external_id: SIS -> (empty); password reset; force_password_change: false -> true', letter: null, reason: 'no e-mail address: no letter sent' },
      { primary_id: 'I1', outcome: 'unchanged', changes: '', letter: null, reason: '' },
    ]);
  });

  it('with --no-password-reset, a general letter goes to everyone with an address; a password letter is refused (exit 2)', async () => {
    const s = await mixed();
    const refused = await s.run(['job', 'run', 'update-notify', '--set', 'members', '--convert-to', 'internal', '--no-password-reset', '--notify', 'NOTIFY_PASSWORD_CHANGE']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('would send no letter');
    const r = await runJob(s, 'members', ['--convert-to', 'internal', '--no-password-reset', '--notify', 'GENERAL_MESSAGE']);
    expect(r.json.counters).toMatchObject({ accounts_converted: 2, letters_queued: 2, no_email: 1 });
    expect([...(await letters(s, r.json.id)).keys()].sort()).toEqual(['e1@example.edu', 'i1@example.edu']);
    expect(passwordHash(s.db, 'E1')).toBeNull();
  });

  it('with a letter that carries no password (GENERAL_MESSAGE) and the password reset, is refused before anything runs, dry run and run alike (exit 2)', async () => {
    const s = await mixed();
    const before = [await exportedUsers(s), await jobList(s), await listedLetters(s.run)];
    for (const extra of [['--dry-run'], []]) {
      const r = await s.run(['job', 'run', 'update-notify', '--set', 'members', '--convert-to', 'internal', '--notify', 'GENERAL_MESSAGE', ...extra]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('a GENERAL_MESSAGE letter does not carry it: the users would be locked out');
      expect(r.stderr).toContain('--notify NOTIFY_PASSWORD_CHANGE');
      expect(r.stderr).toContain('--no-password-reset');
    }
    expect([await exportedUsers(s), await jobList(s), await listedLetters(s.run)]).toEqual(before);
  });
});

describe('--convert-to external', () => {
  it('needs --external-id (exit 2), then makes internal accounts external with it', async () => {
    const s = await mixed();
    const missing = await s.run(['job', 'run', 'update-notify', '--set', 'members', '--convert-to', 'external']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--convert-to external needs --external-id PROFILE');
    const r = await runJob(s, 'members', ['--convert-to', 'external', '--external-id', 'LDAP']);
    expect(r.json.counters).toMatchObject({ changed: 3, accounts_converted: 3 });
    expect(await userFacts(s, 'I1')).toMatchObject({ account_type: 'EXTERNAL', external_id: 'LDAP' });
    expect(await userFacts(s, 'E1')).toMatchObject({ account_type: 'EXTERNAL', external_id: 'LDAP' });
  });
});

describe('--notify NOTIFY_PASSWORD_CHANGE alone', () => {
  it('gives internal users a new temporary password in their letter and skips external ones with a warning', async () => {
    const s = await mixed();
    const r = await runJob(s, 'members', ['--notify', 'NOTIFY_PASSWORD_CHANGE']);
    expect(r.code).toBe(3);
    expect(r.json.counters).toMatchObject({ changed: 1, passwords_reset: 1, letters_sent: 1, external_skipped: 2 });
    expect(r.json.issues).toContainEqual(expect.objectContaining({ code: 'external-account', users: 2 }));
    const password = temporaryPassword((await letters(s, r.json.id)).get('i1@example.edu')!.text);
    expect(await verifyPassword(password, String(passwordHash(s.db, 'I1')))).toBe(true);
    expect(passwordHash(s.db, 'E1')).toBeNull();
  });
});
