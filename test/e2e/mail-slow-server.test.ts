import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { generatePassword } from '../../src/domain/password.js';
import type { CliResult } from '../helpers/cli.js';
import { patrons, runJob, storeWithSet } from '../helpers/jobs.js';
import { listedLetters, queueLetters, smtpStores, startSmtp, storeText } from '../helpers/smtp.js';
import { patron } from '../helpers/seed.js';

const setup = smtpStores();
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** mail.timeout at its least (1 s), and one quick retry: a slow server shows itself fast. */
async function quick(run: (args: string[]) => Promise<CliResult>) {
  for (const [k, v] of [['mail.timeout', '1s'], ['mail.retry_delays', '1s']] as const) {
    const r = await run(['config', 'set', k, v]);
    expect(r.code, r.stderr).toBe(0);
  }
}

const IDS = ['0001', '0002', '0003'];

describe('a server that keeps the letter and answers after mail.timeout', () => {
  it('leaves each letter uncertain after one copy; mail retry sends it again once, with the same Message-ID, and says so; never a third', async () => {
    const t = await setup(IDS.map((id) => patron(id)));
    await quick(t.run);
    await queueLetters(t.db, IDS, 'GENERAL_MESSAGE');
    t.smtp.slowAck(1500);

    const first = await t.mail(['retry', '--format', 'json']);
    expect(first.code).toBe(3);
    expect(JSON.parse(first.stdout)).toMatchObject({ sent: 0, pending: 0, uncertain: 3 });
    expect((await listedLetters(t.run)).map((l) => l.status)).toEqual(['uncertain', 'uncertain', 'uncertain']);
    expect([...t.smtp.copies().values()]).toEqual([1, 1, 1]); // not three copies each

    t.smtp.slowAck(0);
    const second = await t.mail(['retry', '--format', 'json']);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('sending again 3 letter(s) whose delivery was uncertain');
    expect(second.stderr).toContain('same Message-ID');
    expect([...t.smtp.copies().values()]).toEqual([2, 2, 2]);

    // Nothing more goes on its own, ever.
    const third = await t.mail(['retry', '--format', 'json']);
    expect(third.code).toBe(0);
    expect(t.smtp.messages).toHaveLength(6);
  });

  it('a connection dropped after DATA: uncertain, not retried; a password letter is never sent again and the store keeps no password', async () => {
    const t = await setup(['0001', '0002'].map((id) => patron(id)));
    await quick(t.run);
    const passwords = new Map([['0001', generatePassword()], ['0002', generatePassword()]]);
    await queueLetters(t.db, ['0001', '0002'], 'NOTIFY_PASSWORD_CHANGE', passwords);
    t.smtp.dropAfterData(2);
    const r = await t.mail(['retry', '--format', 'json']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ sent: 0, uncertain: 2 });
    expect(t.smtp.messages).toHaveLength(2);
    const again = await t.mail(['retry', '--format', 'json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ sent: 0, uncertain: 2 });
    expect(t.smtp.messages).toHaveLength(2);
    for (const pw of passwords.values()) expect(storeText(t.db).includes(pw)).toBe(false);
  });
});

describe('a password job against a slow server, with a reader holding the store open', () => {
  it('ends Completed with Warnings naming the users and the one command; no password is in the store or its -wal while the reader reads', async () => {
    const s = await storeWithSet(patrons(3));
    cleanups.push(s.cleanup);
    const smtp = await startSmtp();
    cleanups.push(() => smtp.close());
    for (const [k, v] of [['institution.email', 'library@example.edu'], ['mail.smtp_url', smtp.url]]) {
      expect((await s.run(['config', 'set', k!, v!])).code).toBe(0);
    }
    await quick(s.run);
    // A backup or the sqlite3 shell: a read snapshot open for the whole job stops any checkpoint.
    const reader = new Database(s.db, { readonly: true });
    cleanups.push(() => { reader.close(); });
    const snapshot = reader.prepare('SELECT count(*) FROM users');
    reader.exec('BEGIN');
    snapshot.get();
    smtp.slowAck(1500);

    const r = await runJob(s, 'members', ['--notify', 'NOTIFY_PASSWORD_CHANGE']);
    expect(r.code).toBe(3);
    expect(r.json.status).toBe('Completed with Warnings');
    expect(r.json.counters).toMatchObject({ letters_queued: 3, letters_uncertain: 3, letters_sent: 0 });
    // The users' letters, each once (the operator's own job-completed note aside).
    const toUsers = () => smtp.messages.filter((m) => m.to[0]!.startsWith('p0'));
    expect(toUsers()).toHaveLength(3);
    const shown = (await s.run(['job', 'show', r.json.id])).stdout;
    expect(shown).toContain('P00001, P00002, P00003');
    expect(shown).toContain(`alma-users mail retry --uncertain --job ${r.json.id}`);

    const store = storeText(s.db);
    for (const m of toUsers()) {
      const pw = /Your temporary password: (\S+)/.exec(m.parsed.text ?? '')![1]!;
      expect(store.includes(pw), 'a password in the store or its -wal').toBe(false);
    }
    expect(reader.inTransaction).toBe(true);
    const doctor = await s.run(['doctor']);
    expect(doctor.stdout + doctor.stderr).toContain('could not be truncated: another connection holds a read snapshot');
    // A job resume or mail retry of the job does not send them again on their own.
    const retry = await s.run(['mail', 'retry', '--job', r.json.id.slice(0, 5)]);
    expect(retry.code).toBe(3);
    expect(toUsers()).toHaveLength(3);
  });
});

describe('mail list, retry and discard --job', () => {
  it('take a job id prefix as every command does, and refuse a job that does not exist with exit 2 naming it', async () => {
    const s = await storeWithSet(patrons(2));
    cleanups.push(s.cleanup);
    const r = await runJob(s, 'members', ['--notify', 'GENERAL_MESSAGE']);
    const prefix = r.json.id.slice(0, 5);
    expect((await listedLetters(s.run, '--job', prefix)).map((l) => l.primary_id)).toEqual(['P00001', 'P00002']);
    for (const cmd of [['list'], ['retry'], ['discard']]) {
      const nope = await s.run(['mail', ...cmd, '--job', 'zzzz9999']);
      expect(nope.code, cmd[0]).toBe(2);
      expect(nope.stderr, cmd[0]).toContain('no job zzzz9999');
    }
    const d = await s.run(['mail', 'discard', '--job', prefix, '--status', 'pending', '--format', 'json']);
    expect(d.code).toBe(0);
  });
});
