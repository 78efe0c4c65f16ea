import fs from 'node:fs';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/domain/password.js';
import { makeSet, passwordHash, patrons, storeWithSet, type Store } from '../helpers/jobs.js';
import { query } from '../helpers/seed.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

/**
 * A password letter left unsent (the relay was down) must not go out once its password is no
 * longer the user's: a later reset with its own letter, or the account made external. Sent
 * later by `mail retry`, it would arrive after the letter that works and lock the user out.
 */

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const json = (r: { stdout: string }) => JSON.parse(r.stdout);
const STALE = "not sent: the temporary password in it is no longer the user's (reset again since, or the account is no longer internal)";

async function downThenUp(): Promise<{ s: Store; smtp: TestSmtp; up: { env: { ALMA_USERS_SMTP_URL: string } } }> {
  const s = await storeWithSet(patrons(3));
  cleanups.push(s.cleanup);
  const smtp = await startSmtp();
  cleanups.push(() => smtp.close());
  // Nothing listens on port 1: a letter sent through the configured relay stays pending, tried once.
  for (const [k, v] of [['institution.email', 'library@example.edu'], ['mail.smtp_url', 'smtp://127.0.0.1:1'], ['mail.retry_delays', 'none'], ['mail.job_letters', 'off']]) {
    expect((await s.run(['config', 'set', k!, v!])).code).toBe(0);
  }
  return { s, smtp, up: { env: { ALMA_USERS_SMTP_URL: smtp.url } } };
}

async function passwordsReceived(smtp: TestSmtp): Promise<[string, string][]> {
  return Promise.all(smtp.messages.map(async (m) => {
    const text = (await simpleParser(m.raw)).text ?? '';
    return [m.to[0]!, /Your temporary password: (\S+)/.exec(text)?.[1] ?? ''] as [string, string];
  }));
}

const letters = async (s: Store) => (json(await s.run(['--format', 'json', 'mail', 'list'])) as { primary_id: string; status: string; last_reply: string | null }[])
  .map((l) => [l.primary_id, l.status, l.last_reply]);

describe('a password letter whose password is no longer the user\'s', () => {
  it('is discarded, not sent, by mail retry once a newer reset sent its own letter; the user gets only the password that works', async () => {
    const { s, smtp, up } = await downThenUp();
    expect((await s.run(['--format', 'json', 'job', 'run', 'update-notify', '--set', 'members', '--notify', 'NOTIFY_PASSWORD_CHANGE', '--yes'])).code).toBe(3);
    expect((await letters(s)).map(([id, status]) => [id, status])).toEqual([['P00001', 'pending'], ['P00002', 'pending'], ['P00003', 'pending']]);

    // P00001's password is reset again, and this time its letter goes.
    expect((await s.run(['users', 'reset-password', 'P00001', '--notify'], up)).code).toBe(0);
    expect(smtp.messages).toHaveLength(1);
    const retry = await s.run(['--format', 'json', 'mail', 'retry'], up);
    expect(retry.code).toBe(0);
    expect(json(retry)).toMatchObject({ sent: 2, superseded: 1, pending: 0 });
    expect(retry.stderr).toContain("1 password letter(s) were discarded unsent: the temporary password in each is no longer the user's");

    const received = await passwordsReceived(smtp);
    expect(received.map(([to]) => to).sort()).toEqual(['p00001@example.edu', 'p00002@example.edu', 'p00003@example.edu']);
    for (const [to, password] of received) {
      expect(await verifyPassword(password, String(passwordHash(s.db, to.slice(0, 6).toUpperCase()))), to).toBe(true);
    }
    const after = await letters(s);
    expect(after.filter(([id]) => id === 'P00001').map(([, status, reply]) => [status, reply])).toEqual(expect.arrayContaining([['discarded', STALE], ['sent', expect.any(String)]]));
    // The discarded letter's key is zeros: its sealed body can never be opened.
    const keys = fs.readFileSync(`${s.db}-letterkeys`);
    const [stale] = query<{ slot: number }>(s.db, "SELECT rowid AS slot FROM outbox WHERE status = 'discarded'");
    expect(keys.subarray(stale!.slot * 32, stale!.slot * 32 + 32).equals(Buffer.alloc(32))).toBe(true);
    expect(query(s.db, 'SELECT password_hash FROM outbox WHERE password_hash IS NOT NULL')).toEqual([]);
  });

  it('is discarded once the account is made external, and sent as it is when nothing changed', async () => {
    const { s, smtp, up } = await downThenUp();
    expect((await s.run(['job', 'run', 'update-notify', '--set', 'members', '--notify', 'NOTIFY_PASSWORD_CHANGE', '--yes'])).code).toBe(3);
    await makeSet(s, 'leaving', ['P00002']);
    expect((await s.run(['job', 'run', 'update-notify', '--set', 'leaving', '--convert-to', 'external', '--external-id', 'SIS', '--yes'])).code).toBe(0);
    const retry = json(await s.run(['--format', 'json', 'mail', 'retry'], up));
    expect(retry).toMatchObject({ sent: 2, superseded: 1 });
    expect(smtp.messages.map((m) => m.to[0]).sort()).toEqual(['p00001@example.edu', 'p00003@example.edu']);
    expect((await letters(s)).find(([id]) => id === 'P00002')).toEqual(['P00002', 'discarded', STALE]);
  });
});
