import { afterEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/domain/password.js';
import { passwordHash, patrons, runJob, storeWithSet } from '../helpers/jobs.js';
import { spawnCliOn, waitForJob } from '../helpers/running-jobs.js';
import { listedLetters, startSmtp, storeText } from '../helpers/smtp.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A store with a set of n patrons whose letters go to a real SMTP server on 127.0.0.1. */
async function setup(n: number) {
  const s = await storeWithSet(patrons(n));
  cleanups.push(s.cleanup);
  const smtp = await startSmtp();
  cleanups.push(() => smtp.close());
  for (const [k, v] of [['institution.name', 'Example University Library'], ['institution.email', 'library@example.edu'], ['mail.smtp_url', smtp.url],
    // The users' letters only: the operator's job letter is job-letter.test.ts's.
    ['mail.job_letters', 'off']]) {
    expect((await s.run(['config', 'set', k!, v!])).code).toBe(0);
  }
  return { s, smtp };
}

const PASSWORD_LINE = /Your temporary password: (\S+)/;

describe('job run update-notify --notify, by SMTP', () => {
  it('sends each password letter once, with the password that opens the account; the store keeps none', async () => {
    const { s, smtp } = await setup(4);
    const r = await runJob(s, 'members', ['--notify', 'NOTIFY_PASSWORD_CHANGE']);
    expect(r.code).toBe(0);
    expect(r.json.counters).toMatchObject({ letters_queued: 4, letters_sent: 4, letters_failed: 0 });
    expect(smtp.messages.map((m) => m.to[0]).sort()).toEqual(['p00001@example.edu', 'p00002@example.edu', 'p00003@example.edu', 'p00004@example.edu']);
    const letters = await listedLetters(s.run);
    expect(new Set(smtp.messages.map((m) => m.parsed.messageId))).toEqual(new Set(letters.map((l) => l.message_id)));
    expect(letters.every((l) => l.status === 'sent')).toBe(true);

    const m = smtp.messages.find((x) => x.to[0] === 'p00002@example.edu')!;
    const password = PASSWORD_LINE.exec(m.parsed.text ?? '')![1]!;
    expect(m.parsed.html).toContain(password);
    expect(await verifyPassword(password, String(passwordHash(s.db, 'P00002')))).toBe(true);

    const store = storeText(s.db);
    const outputs = r.stdout + r.stderr + (await s.run(['job', 'report', r.json.id, '--format', 'json'])).stdout;
    for (const msg of smtp.messages) {
      const pw = PASSWORD_LINE.exec(msg.parsed.text ?? '')![1]!;
      expect(store.includes(pw)).toBe(false);
      expect(outputs.includes(pw)).toBe(false);
    }
  });

  it('a 5xx answer makes the job Completed with Errors (exit 3), the letter failed with the server\'s reply', async () => {
    const { s, smtp } = await setup(3);
    smtp.refuse('p00002@example.edu');
    const r = await runJob(s, 'members', ['--notify', 'GENERAL_MESSAGE']);
    expect(r.code).toBe(3);
    expect(r.json.status).toBe('Completed with Errors');
    expect(r.json.counters).toMatchObject({ letters_queued: 3, letters_sent: 2, letters_failed: 1 });
    const failed = JSON.parse((await s.run(['mail', 'list', '--job', r.json.id, '--status', 'failed', '--format', 'json'])).stdout);
    expect(failed).toEqual([expect.objectContaining({ primary_id: 'P00002', last_reply: expect.stringContaining('550 5.1.1 <p00002@example.edu>: mailbox unavailable') })]);
    // The refusal is in the report's errors and warnings, by the server's reply.
    expect(r.json.issues).toEqual([
      { severity: 'error', code: 'letter-failed', message: expect.stringMatching(/^letter refused: 550 5\.1\.1 <address>: mailbox unavailable/), users: 1 },
    ]);
    expect((await s.run(['job', 'show', r.json.id])).stdout).toMatch(/error\s+letter refused: 550 5\.1\.1 <address>: mailbox unavailable\s+1/);
  });

  it('a letter the server keeps deferring (451) is tried a bounded number of times, not again in later bulks; the others go; it stays pending for mail retry', async () => {
    const { s, smtp } = await setup(30);
    expect((await s.run(['config', 'set', 'mail.retry_delays', '50ms,50ms'])).code).toBe(0);
    smtp.defer('p00002@example.edu');
    const r = await runJob(s, 'members', ['--notify', 'GENERAL_MESSAGE', '--bulk-size', '5']);
    // The first try and the two retries of mail.retry_delays, then no more for the rest of the job's six bulks.
    expect(smtp.offered('p00002@example.edu')).toBe(3);
    expect(r.stderr).not.toContain('sending stopped');
    expect(r.code).toBe(3);
    expect(r.json.status).toBe('Completed with Warnings');
    expect(r.json.counters).toMatchObject({ letters_queued: 30, letters_sent: 29, letters_pending: 1, letters_failed: 0, letters_uncertain: 0 });
    expect(smtp.messages).toHaveLength(29);
    expect(smtp.messages.map((m) => m.to[0])).not.toContain('p00002@example.edu');
    expect(r.json.issues).toEqual([
      { severity: 'warning', code: 'letter-pending', message: expect.stringMatching(/^letter not sent yet: 451 4\.2\.1 <address>: mailbox busy/), users: 1 },
    ]);
    const pending = JSON.parse((await s.run(['mail', 'list', '--job', r.json.id, '--status', 'pending', '--format', 'json'])).stdout);
    expect(pending).toEqual([expect.objectContaining({ primary_id: 'P00002', attempts: 3 })]);

    // Once the mailbox takes mail again, mail retry sends it, and the job's report says so.
    smtp.accept('p00002@example.edu');
    const retry = await s.run(['mail', 'retry', '--job', r.json.id]);
    expect(retry.code).toBe(0);
    await smtp.waitFor(30);
    const shown = JSON.parse((await s.run(['job', 'show', r.json.id, '--format', 'json'])).stdout);
    expect(shown.counters).toMatchObject({ letters_sent: 30, letters_pending: 0 });
    expect(shown.issues).toEqual([]);
  });

  it('a refused password letter keeps no password in the store; mail retry --failed sends a new one that opens the account', async () => {
    const { s, smtp } = await setup(3);
    smtp.failNext(1, 554, '5.7.1 message content rejected');
    const r = await runJob(s, 'members', ['--notify', 'NOTIFY_PASSWORD_CHANGE']);
    expect(r.code).toBe(3);
    expect(r.json.counters).toMatchObject({ letters_sent: 2, letters_failed: 1 });
    expect(smtp.refusedData).toHaveLength(1);
    const lost = PASSWORD_LINE.exec(smtp.refusedData[0]!)![1]!;
    const failed = await listedLetters(s.run, '--status', 'failed');
    expect(failed).toHaveLength(1);
    // Its body went with it: the password it carried is nowhere in the store.
    expect(storeText(s.db).includes(lost)).toBe(false);

    const retry = await s.run(['mail', 'retry', '--failed', '--job', r.json.id]);
    expect(retry.code).toBe(0);
    expect(retry.stderr).toContain('1 password letter(s) failed: each user gets a new temporary password');
    const [m] = (await smtp.waitFor(3)).filter((x) => x.to[0] === `${failed[0]!.primary_id.toLowerCase()}@example.edu`);
    const fresh = PASSWORD_LINE.exec(m!.parsed.text ?? '')![1]!;
    expect(fresh).not.toBe(lost);
    const hash = String(passwordHash(s.db, failed[0]!.primary_id));
    expect(await verifyPassword(fresh, hash)).toBe(true);
    expect(await verifyPassword(lost, hash)).toBe(false);
    expect(storeText(s.db).includes(fresh)).toBe(false);
    const shown = JSON.parse((await s.run(['job', 'show', r.json.id, '--format', 'json'])).stdout);
    expect(shown.counters).toMatchObject({ letters_sent: 3, letters_failed: 0 });
  });

  it('--dry-run predicts the letters the allow-list would suppress, as the run then does', async () => {
    const { s } = await setup(3);
    expect((await s.run(['config', 'set', 'mail.allowed_emails', 'p00001@example.edu,p00003@example.edu'])).code).toBe(0);
    const dry = await s.run(['--format', 'json', 'job', 'run', 'update-notify', '--set', 'members', '--notify', 'GENERAL_MESSAGE', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout).counters).toMatchObject({ letters_queued: 2, letters_suppressed: 1 });
    const r = await runJob(s, 'members', ['--notify', 'GENERAL_MESSAGE']);
    expect(r.json.counters).toMatchObject({ letters_queued: 2, letters_suppressed: 1, letters_sent: 2 });
  });

  it('across a kill -9 and job resume, no letter is sent twice, and every letter not sent is accounted for', async () => {
    const { s, smtp } = await setup(160);
    const { child, done } = spawnCliOn(s, ['job', 'run', 'update-notify', '--set', 'members', '--notify', 'NOTIFY_PASSWORD_CHANGE', '--bulk-size', '20']);
    const seen = await waitForJob(s.db, (j) => j.status === 'Running' && j.processed >= 40, 60_000);
    await smtp.waitFor(20);
    child.kill('SIGKILL');
    expect((await done).code).toBeNull();

    const resumed = await s.run(['--format', 'json', 'job', 'resume', seen.id]);
    expect([0, 3]).toContain(resumed.code);
    const letters = await listedLetters(s.run, '--job', seen.id);
    // One letter per member, whatever the kill interrupted.
    expect(letters).toHaveLength(160);
    expect(new Set(letters.map((l) => l.primary_id)).size).toBe(160);

    const received = smtp.messages.map((m) => m.parsed.messageId!);
    expect(new Set(received).size).toBe(received.length); // nothing arrived twice
    const byId = new Map(letters.map((l) => [l.message_id, l]));
    for (const id of received) expect(['sent', 'uncertain']).toContain(byId.get(id)?.status);
    // Every letter recorded as sent arrived; the rest were with the server at the kill, and say so.
    const sent = letters.filter((l) => l.status === 'sent');
    for (const l of sent) expect(received).toContain(l.message_id);
    const rest = letters.filter((l) => l.status !== 'sent');
    expect(rest.every((l) => l.status === 'uncertain')).toBe(true);
    expect(sent.length + rest.length).toBe(160);
    // Only the letters the pool's connections held at the kill (mail.pool_size, 5) are uncertain,
    // and the report names their users and the one command that gives them a new password.
    expect(rest.length).toBeLessThanOrEqual(5);
    if (rest.length) {
      expect(JSON.parse(resumed.stdout).status).toBe('Completed with Warnings');
      const shown = (await s.run(['job', 'show', seen.id])).stdout;
      for (const l of rest) expect(shown).toContain(l.primary_id);
      expect(shown).toContain(`alma-users mail retry --uncertain --job ${seen.id}`);
    }

    // Each password that arrived opens its account (checked on a few: scrypt is slow on purpose).
    for (const m of smtp.messages.slice(-3)) {
      const pid = letters.find((l) => l.message_id === m.parsed.messageId)!.primary_id;
      const password = PASSWORD_LINE.exec(m.parsed.text ?? '')![1]!;
      expect(await verifyPassword(password, String(passwordHash(s.db, pid)))).toBe(true);
    }
  }, 120_000);
});
