import { describe, expect, it } from 'vitest';
import { deliver, type DeliveryResult } from '../../src/app/mail/deliver.js';
import { openTransport } from '../../src/app/mail/settings.js';
import { generatePassword } from '../../src/domain/password.js';
import { openStore } from '../../src/store/db.js';
import { patron } from '../helpers/seed.js';
import { listedLetters, queueLetters, smtpStores, storeText, type TestSmtp } from '../helpers/smtp.js';

const setup = smtpStores();

async function send(dbFile: string, smtp: TestSmtp, retryDelays?: number[]): Promise<DeliveryResult> {
  const db = openStore(dbFile);
  const transport = openTransport({ db, storePath: dbFile, env: { ALMA_USERS_SMTP_URL: smtp.url } });
  try {
    return await deliver(db, { transport, retryDelays });
  } finally {
    await transport.close();
    db.close();
  }
}

describe('delivery by SMTP', () => {
  it('sends each letter once as MIME with text and HTML parts and the right headers; HTML escapes a name', async () => {
    const t = await setup([patron('0001'), patron('0002', { first_name: '<script>alert(1)</script>', last_name: 'Smith' })]);
    const ids = await queueLetters(t.db, ['0001', '0002'], 'GENERAL_MESSAGE');
    const r = await send(t.db, t.smtp);
    expect(r).toMatchObject({ sent: 2, failed: 0, pending: 0, uncertain: 0 });
    expect(t.smtp.messages).toHaveLength(2);
    const stored = await listedLetters(t.run);
    for (const row of stored) {
      const m = t.smtp.messages.find((x) => x.parsed.messageId === row.message_id)!;
      expect(m, `message ${row.message_id}`).toBeDefined();
      expect(m.to).toEqual([row.recipient]);
      expect(m.parsed.from?.value[0]).toMatchObject({ address: 'library@example.edu', name: 'Example University Library' });
      expect(m.parsed.subject).toBe('Example University Library: a message about your account');
      expect(m.parsed.headers.get('auto-submitted')).toBe('auto-generated');
      expect(m.parsed.text).toContain('Your library account has been updated.');
      expect(m.parsed.html).toContain('<!DOCTYPE html>');
      expect(row).toMatchObject({ status: 'sent', attempts: 1 });
      expect(row.last_reply).toMatch(/^250 .*queued as/);
    }
    // A sent letter's body is erased: nowhere in the store's file or its write-ahead log.
    expect(storeText(t.db)).not.toContain('Your library account has been updated.');
    expect(stored.map((x) => x.id).sort()).toEqual([...ids].sort());
    const script = t.smtp.messages.find((m) => m.to[0] === '0002@example.edu')!;
    expect(script.parsed.html).toContain('Dear &lt;script&gt;alert(1)&lt;/script&gt; Smith,');
    expect(script.parsed.html).not.toContain('<script>');
    expect(script.parsed.text).toContain('Dear <script>alert(1)</script> Smith,');

    // Nothing is ever sent twice: a second run finds nothing pending.
    expect(await send(t.db, t.smtp)).toMatchObject({ sent: 0, failed: 0, pending: 0 });
    expect(t.smtp.messages).toHaveLength(2);
  });

  it('retries a 4xx answer within the run, and the letter arrives once', async () => {
    const t = await setup([patron('0001')]);
    await queueLetters(t.db, ['0001'], 'GENERAL_MESSAGE');
    t.smtp.failNext(2, 451, '4.3.0 mailbox busy, try again');
    const r = await send(t.db, t.smtp, [50, 50, 50]);
    expect(r).toMatchObject({ sent: 1, failed: 0, pending: 0 });
    expect(t.smtp.messages).toHaveLength(1);
    expect(await listedLetters(t.run)).toEqual([expect.objectContaining({ status: 'sent', attempts: 3 })]);
  });

  it('leaves a letter pending when the retries are used up; mail retry sends it, with the waits from mail.retry_delays', async () => {
    const t = await setup([patron('0001'), patron('0002')]);
    await queueLetters(t.db, ['0001', '0002'], 'GENERAL_MESSAGE');
    t.smtp.failNext(4, 451);
    const r = await send(t.db, t.smtp, [20]);
    expect(r.sent + r.pending).toBe(2);
    expect(r.pending).toBeGreaterThan(0);
    expect(r.failures[0]?.reply).toContain('451');
    const list = await t.mail(['list', '--status', 'pending', '--format', 'json']);
    expect(JSON.parse(list.stdout)[0].last_reply).toContain('451 4.3.0 try again later');

    expect((await t.run(['config', 'set', 'mail.retry_delays', '50ms,50ms'])).code).toBe(0);
    t.smtp.failNext(1, 421, '4.7.0 too many connections');
    const retry = await t.mail(['retry', '--format', 'json']);
    expect(retry.code).toBe(0);
    expect(JSON.parse(retry.stdout)).toMatchObject({ pending: 0, failed: 0 });
    expect(t.smtp.messages).toHaveLength(2);
    expect(new Set(t.smtp.messages.map((m) => m.to[0]))).toEqual(new Set(['0001@example.edu', '0002@example.edu']));
  });

  it('records a 5xx answer as failed with the server\'s reply, and exits 3', async () => {
    const t = await setup([patron('0001'), patron('0002'), patron('0003')]);
    t.smtp.refuse('0002@example.edu');
    await queueLetters(t.db, ['0001', '0002', '0003'], 'GENERAL_MESSAGE');
    t.smtp.failNext(1, 554, '5.7.1 message content rejected');
    const retry = await t.mail(['retry']);
    expect(retry.code).toBe(3);
    expect(retry.stdout).toContain('5.1.1 <0002@example.edu>: mailbox unavailable');
    const failed = JSON.parse((await t.mail(['list', '--status', 'failed', '--format', 'json'])).stdout);
    expect(failed).toHaveLength(2);
    const replies = failed.map((f: { last_reply: string }) => f.last_reply).join('\n');
    expect(replies).toMatch(/550 5\.1\.1 <0002@example\.edu>: mailbox unavailable/);
    expect(replies).toContain('554 5.7.1 message content rejected');
    expect(t.smtp.messages).toHaveLength(1);
    // Refused letters are not retried unless asked; once the address is fixed, --failed sends them.
    expect((await t.mail(['retry'])).code).toBe(0);
    expect(t.smtp.messages).toHaveLength(1);
    t.smtp.accept('0002@example.edu');
    const again = await t.mail(['retry', '--failed', '--format', 'json']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('resending 2 failed letter(s) on purpose');
    expect(JSON.parse(again.stdout)).toMatchObject({ sent: 2, failed: 0, pending: 0 });
    expect(t.smtp.messages.map((m) => m.to[0]).sort()).toEqual(['0001@example.edu', '0002@example.edu', '0003@example.edu']);
    expect((await listedLetters(t.run)).map((x) => x.status)).toEqual(['sent', 'sent', 'sent']);
  });

  it('suppresses letters to addresses outside the allow-list, storing no body', async () => {
    const t = await setup([patron('in1'), patron('out1', { emails: [{ address: 'someone@gmail.com', preferred: true }] }), patron('ops', { emails: [{ address: 'ops@lib.org' }] })]);
    expect((await t.run(['config', 'set', 'mail.allowed_emails', '*@example.edu,ops@lib.org'])).code).toBe(0);
    await queueLetters(t.db, ['in1', 'out1', 'ops'], 'GENERAL_MESSAGE');
    const retry = await t.mail(['retry']);
    expect(retry.code).toBe(0);
    expect(t.smtp.messages.map((m) => m.to[0]).sort()).toEqual(['in1@example.edu', 'ops@lib.org']);
    const suppressed = await listedLetters(t.run, '--status', 'suppressed');
    expect(suppressed).toEqual([expect.objectContaining({ recipient: 'someone@gmail.com', last_reply: expect.stringContaining('outside mail.allowed_emails') })]);
    // Stored without its body, as the sent letters' bodies are erased: the letter's text is nowhere in the store.
    expect(storeText(t.db)).not.toContain('Your library account has been updated.');
  });

  it('keeps a temporary password out of the store file, its WAL and every output once sent', async () => {
    const ids = Array.from({ length: 600 }, (_, i) => `p${String(i).padStart(4, '0')}`);
    const t = await setup(ids.map((id) => patron(id)));
    const passwords = new Map(ids.map((id) => [id, generatePassword()]));
    await queueLetters(t.db, ids, 'NOTIFY_PASSWORD_CHANGE', passwords);
    const retry = await t.mail(['retry', '--format', 'json']);
    expect(retry.code).toBe(0);
    expect(JSON.parse(retry.stdout)).toMatchObject({ sent: 600 });
    // Each user got their own password, once.
    expect(t.smtp.messages).toHaveLength(600);
    const m = t.smtp.messages.find((x) => x.to[0] === 'p0007@example.edu')!;
    expect(m.parsed.text).toContain(`Your temporary password: ${passwords.get('p0007')}`);

    const outputs = [
      retry.stdout, retry.stderr,
      ...(await Promise.all([
        t.mail(['list', '--format', 'json']), t.mail(['list']), t.run(['doctor', '--format', 'json']),
        t.run(['letters', 'preview', '--type', 'NOTIFY_PASSWORD_CHANGE', '--user', 'p0007', '--format', 'json']),
      ])).flatMap((r) => [r.stdout, r.stderr]),
    ].join('\n');
    const stored = storeText(t.db);
    for (const [id, pw] of passwords) {
      expect(stored.includes(pw), `password of ${id} in the store`).toBe(false);
      expect(outputs.includes(pw), `password of ${id} in an output`).toBe(false);
    }
  });

  it('stops at once, leaving letters pending, when the server cannot be used at all', async () => {
    const t = await setup([patron('0001')]);
    await queueLetters(t.db, ['0001'], 'GENERAL_MESSAGE');
    // Authentication over a server that offers none: a configuration error, not the letter's.
    const r = await t.run(['mail', 'retry'], { env: { ALMA_USERS_SMTP_URL: t.smtp.url.replace('smtp://', 'smtp://lib:secret-pw@') + '?starttls=optional' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('sending stopped');
    expect(r.stderr + r.stdout).not.toContain('secret-pw');
    expect(await listedLetters(t.run)).toEqual([expect.objectContaining({ status: 'pending' })]);
  });

  it('stops when several letters used up their retries and the server took none (it is down), leaving every letter pending', async () => {
    const t = await setup(['0001', '0002', '0003'].map((id) => patron(id)));
    await queueLetters(t.db, ['0001', '0002', '0003'], 'GENERAL_MESSAGE');
    await t.smtp.close();
    expect((await t.run(['config', 'set', 'mail.retry_delays', '50ms,50ms'])).code).toBe(0);
    const r = await t.mail(['retry', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sending stopped: the server took no letter while 3 different letters were tried 3 times each; last reply: .*ECONNREFUSED/);
    expect(JSON.parse(r.stdout)).toMatchObject({ sent: 0, failed: 0, pending: 3 });
    expect((await listedLetters(t.run)).map((x) => x.status)).toEqual(['pending', 'pending', 'pending']);
  });
});

describe('mail test', () => {
  it('sends one letter by SMTP and shows the server\'s answer', async () => {
    const t = await setup();
    const r = await t.mail(['test', '--to', 'ops@example.edu', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ sent: true, to: 'ops@example.edu' });
    expect(j.reply).toMatch(/^250 /);
    expect(j.transport).toContain(`smtp://127.0.0.1:${t.smtp.port}`);
    const [m] = await t.smtp.waitFor(1);
    expect(m!.parsed.messageId).toBe(j.message_id);
    expect(m!.parsed.text).toContain('This is a test letter from alma-users');
  });

  it('reports a refusal with the server\'s words (exit 1)', async () => {
    const t = await setup();
    t.smtp.failNext(1, 554, '5.7.1 relay access denied');
    const r = await t.mail(['test', '--to', 'ops@example.edu']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('554 5.7.1 relay access denied');
  });
});
