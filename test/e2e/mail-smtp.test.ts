import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { generatePassword, verifyPassword } from '../../src/domain/password.js';
import { loadLetters } from '../../src/app/letters/load.js';
import type { UserInput } from '../../src/domain/user.js';
import { preferredEmail } from '../../src/domain/user-fields.js';
import { deliver, type DeliveryResult } from '../../src/app/mail/deliver.js';
import { openTransport } from '../../src/app/mail/settings.js';
import { openStore } from '../../src/store/db.js';
import { Outbox } from '../../src/store/outbox-queue.js';
import { UserStore } from '../../src/store/users.js';
import { BIN, tempStore } from '../helpers/cli.js';
import { patron, query, seedUsers } from '../helpers/seed.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(users: UserInput[] = []) {
  const s = await tempStore();
  cleanups.push(s.cleanup);
  const smtp = await startSmtp();
  cleanups.push(() => smtp.close());
  for (const [k, v] of [['institution.name', 'Example University Library'], ['institution.email', 'library@example.edu']]) {
    expect((await s.run(['config', 'set', k!, v!])).code).toBe(0);
  }
  seedUsers(s.db, users);
  const env = { ALMA_USERS_SMTP_URL: smtp.url };
  return { ...s, smtp, env, mail: (args: string[]) => s.run(['mail', ...args], { env }) };
}

/** Renders and queues one letter per user in one transaction, as a job's bulk does. */
async function queueLetters(dbFile: string, ids: string[], type: string, passwords?: Map<string, string>): Promise<string[]> {
  const db = openStore(dbFile);
  try {
    const renderer = await loadLetters(db);
    const outbox = new Outbox(db);
    const users = new UserStore(db);
    return db.transaction(() => ids.map((id) => {
      const user = users.get(id)!;
      const letter = renderer.render({ user, type, password: passwords?.get(id), jobId: null });
      return outbox.enqueue({
        jobId: null, userId: user.id, primaryId: user.primary_id, type, recipient: preferredEmail(user)!, ...letter,
        carriesPassword: type === 'NOTIFY_PASSWORD_CHANGE',
      }).id;
    }))();
  } finally {
    db.close();
  }
}

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

interface Row { id: string; status: string; attempts: number; last_reply: string | null; body_text: string | null; body_html: string | null; message_id: string; recipient: string }
const rows = (dbFile: string) => query<Row>(dbFile, 'SELECT * FROM outbox ORDER BY created_at, rowid');

describe('delivery by SMTP', () => {
  it('sends each letter once as MIME with text and HTML parts and the right headers; HTML escapes a name', async () => {
    const t = await setup([patron('0001'), patron('0002', { first_name: '<script>alert(1)</script>', last_name: 'Smith' })]);
    const ids = await queueLetters(t.db, ['0001', '0002'], 'GENERAL_MESSAGE');
    const r = await send(t.db, t.smtp);
    expect(r).toMatchObject({ sent: 2, failed: 0, pending: 0, uncertain: 0 });
    expect(t.smtp.messages).toHaveLength(2);
    const stored = rows(t.db);
    for (const row of stored) {
      const m = t.smtp.messages.find((x) => x.parsed.messageId === row.message_id)!;
      expect(m, `message ${row.message_id}`).toBeDefined();
      expect(m.to).toEqual([row.recipient]);
      expect(m.parsed.from?.value[0]).toMatchObject({ address: 'library@example.edu', name: 'Example University Library' });
      expect(m.parsed.subject).toBe('Example University Library: a message about your account');
      expect(m.parsed.headers.get('auto-submitted')).toBe('auto-generated');
      expect(m.parsed.text).toContain('Your library account has been updated.');
      expect(m.parsed.html).toContain('<!DOCTYPE html>');
      expect(row).toMatchObject({ status: 'sent', attempts: 1, body_text: null, body_html: null });
      expect(row.last_reply).toMatch(/^250 .*queued as/);
    }
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
    expect(rows(t.db)[0]).toMatchObject({ status: 'sent', attempts: 3 });
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
    expect(rows(t.db).map((x) => x.status)).toEqual(['sent', 'sent', 'sent']);
  });

  it('suppresses letters to addresses outside the allow-list, storing no body', async () => {
    const t = await setup([patron('in1'), patron('out1', { emails: [{ address: 'someone@gmail.com', preferred: true }] }), patron('ops', { emails: [{ address: 'ops@lib.org' }] })]);
    expect((await t.run(['config', 'set', 'mail.allowed_emails', '*@example.edu,ops@lib.org'])).code).toBe(0);
    await queueLetters(t.db, ['in1', 'out1', 'ops'], 'GENERAL_MESSAGE');
    const retry = await t.mail(['retry']);
    expect(retry.code).toBe(0);
    expect(t.smtp.messages.map((m) => m.to[0]).sort()).toEqual(['in1@example.edu', 'ops@lib.org']);
    const suppressed = query<Row>(t.db, "SELECT * FROM outbox WHERE status = 'suppressed'");
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0]).toMatchObject({ recipient: 'someone@gmail.com', body_text: null, body_html: null });
    const listed = JSON.parse((await t.mail(['list', '--status', 'suppressed', '--format', 'json'])).stdout);
    expect(listed[0].last_reply).toContain('outside mail.allowed_emails');
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
    const files = [t.db, `${t.db}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f).toString('latin1'));
    for (const [id, pw] of passwords) {
      for (const content of files) expect(content.includes(pw), `password of ${id} in the store`).toBe(false);
      expect(outputs.includes(pw), `password of ${id} in an output`).toBe(false);
    }
  });

  it('never resends a letter the server may have had when the sender was killed; --uncertain resends on purpose', async () => {
    const t = await setup(['0001', '0002', '0003', '0004'].map((id) => patron(id)));
    await queueLetters(t.db, ['0001', '0002', '0003', '0004'], 'GENERAL_MESSAGE');
    t.smtp.hold();
    const child = spawn(process.execPath, [BIN, 'mail', 'retry'], {
      env: { PATH: process.env.PATH, HOME: os.tmpdir(), ALMA_USERS_DB: t.db, ALMA_USERS_OPERATOR: 'admin', ...t.env },
      stdio: 'ignore',
    });
    const deadline = Date.now() + 20_000;
    while (t.smtp.held() < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(t.smtp.held()).toBe(4);
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
    // The server took the messages in; whether the sender learnt it, nobody knows.
    t.smtp.release();
    await t.smtp.waitFor(4);

    const list = await t.mail(['list', '--format', 'json']);
    expect(list.stderr).toContain('4 letter(s) were with the SMTP server when a process died: marked uncertain');
    expect(JSON.parse(list.stdout).map((l: { status: string }) => l.status)).toEqual(['uncertain', 'uncertain', 'uncertain', 'uncertain']);

    const retry = await t.mail(['retry']);
    expect(retry.code).toBe(3);
    expect(retry.stderr).toContain('alma-users mail retry --uncertain');
    expect(t.smtp.messages).toHaveLength(4);

    const again = await t.mail(['retry', '--uncertain', '--format', 'json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ sent: 4, uncertain: 0 });
    expect(t.smtp.messages).toHaveLength(8);
  });

  it('erases the body of a password letter left uncertain by a kill; --uncertain sends a new password instead', async () => {
    const t = await setup(['0001', '0002'].map((id) => patron(id)));
    const passwords = new Map([['0001', generatePassword()], ['0002', generatePassword()]]);
    await queueLetters(t.db, ['0001', '0002'], 'NOTIFY_PASSWORD_CHANGE', passwords);
    t.smtp.hold();
    const child = spawn(process.execPath, [BIN, 'mail', 'retry'], {
      env: { PATH: process.env.PATH, HOME: os.tmpdir(), ALMA_USERS_DB: t.db, ALMA_USERS_OPERATOR: 'admin', ...t.env },
      stdio: 'ignore',
    });
    const deadline = Date.now() + 20_000;
    while (t.smtp.held() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
    t.smtp.release();
    await t.smtp.waitFor(2);

    const list = await t.mail(['list', '--format', 'json']);
    expect(JSON.parse(list.stdout).map((l: { status: string }) => l.status)).toEqual(['uncertain', 'uncertain']);
    expect(rows(t.db).map((r) => [r.body_text, r.body_html])).toEqual([[null, null], [null, null]]);
    const files = () => [t.db, `${t.db}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f).toString('latin1')).join('');
    for (const pw of passwords.values()) expect(files().includes(pw)).toBe(false);

    const again = await t.mail(['retry', '--uncertain', '--format', 'json']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('2 password letter(s) uncertain: each user gets a new temporary password');
    expect(JSON.parse(again.stdout)).toMatchObject({ sent: 2 });
    expect(t.smtp.messages).toHaveLength(4);
    const second = t.smtp.messages.slice(2).find((m) => m.to[0] === '0001@example.edu')!;
    const fresh = /Your temporary password: (\S+)/.exec(second.parsed.text ?? '')![1]!;
    expect(fresh).not.toBe(passwords.get('0001'));
    // A new letter, not the old one again: a mail system that saw the first Message-ID must not drop it.
    expect(t.smtp.messages.slice(0, 2).map((m) => m.parsed.messageId)).not.toContain(second.parsed.messageId);
    const hash = String(query<{ password_hash: string }>(t.db, "SELECT password_hash FROM users WHERE primary_id = '0001'")[0]!.password_hash);
    expect(await verifyPassword(fresh, hash)).toBe(true);
    const history = JSON.parse((await t.run(['users', 'history', '0001', '--format', 'json'])).stdout) as { change: string; operator: string; reason: string }[];
    expect(history.filter((h) => h.change === 'password reset')).toEqual([expect.objectContaining({ operator: 'admin', reason: expect.stringContaining('mail retry') })]);
    expect(files().includes(fresh)).toBe(false);
    expect(again.stdout + again.stderr).not.toContain(fresh);
  });

  it('stops at once, leaving letters pending, when the server cannot be used at all', async () => {
    const t = await setup([patron('0001')]);
    await queueLetters(t.db, ['0001'], 'GENERAL_MESSAGE');
    // Authentication over a server that offers none: a configuration error, not the letter's.
    const r = await t.run(['mail', 'retry'], { env: { ALMA_USERS_SMTP_URL: t.smtp.url.replace('smtp://', 'smtp://lib:secret-pw@') + '?starttls=optional' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('sending stopped');
    expect(r.stderr + r.stdout).not.toContain('secret-pw');
    expect(rows(t.db)[0]).toMatchObject({ status: 'pending' });
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
    expect(rows(t.db).map((x) => x.status)).toEqual(['pending', 'pending', 'pending']);
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

describe('the .eml transport (no SMTP configured)', () => {
  it('writes each letter once as a standard .eml file named by its id, beside the store', async () => {
    const s = await tempStore();
    cleanups.push(s.cleanup);
    seedUsers(s.db, [patron('0001'), patron('0002')]);
    const ids = await queueLetters(s.db, ['0001', '0002'], 'NOTIFY_PASSWORD_CHANGE', new Map([['0001', 'Pw1aaaaaaa'], ['0002', 'Pw2bbbbbbb']]));
    expect((await s.run(['mail', 'retry'])).code).toBe(0);
    const dir = path.join(s.dir, 'store.outbox');
    expect(fs.readdirSync(dir).sort()).toEqual(ids.map((id) => `${id}.eml`).sort());
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    const file = path.join(dir, `${ids[0]}.eml`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const parsed = await simpleParser(fs.readFileSync(file));
    expect(parsed.text).toContain('Your temporary password: Pw1aaaaaaa');
    expect(parsed.html).toContain('Pw1aaaaaaa');
    expect(parsed.messageId).toBe(rows(s.db).find((r) => r.id === ids[0])!.message_id);

    // Sent letters are not written again.
    expect((await s.run(['mail', 'retry'])).code).toBe(0);
    expect(fs.readdirSync(dir)).toHaveLength(2);
  });

  it('settles letters a killed process left behind: a written file is sent, an unwritten one is sent now', async () => {
    const s = await tempStore();
    cleanups.push(s.cleanup);
    seedUsers(s.db, [patron('0001'), patron('0002')]);
    const [written, unwritten] = await queueLetters(s.db, ['0001', '0002'], 'GENERAL_MESSAGE');
    expect((await s.run(['mail', 'retry'])).code).toBe(0);
    const dir = path.join(s.dir, 'store.outbox');
    fs.rmSync(path.join(dir, `${unwritten}.eml`));
    // As a process killed between handing the letters over and recording it leaves them.
    const dead = await new Promise<number>((resolve) => {
      const c = spawn(process.execPath, ['-e', '']);
      c.on('exit', () => resolve(c.pid!));
    });
    const db = openStore(s.db);
    db.prepare(`UPDATE outbox SET status = 'sending', claimed_by = ?, transport = ?, body_text = 'x', body_html = 'x'`)
      .run(`${os.hostname()}:${dead}`, `eml:${dir}`);
    db.close();
    const r = await s.run(['mail', 'retry', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('1 letter(s) found written, 1 back to pending');
    expect(JSON.parse(r.stdout)).toMatchObject({ sent: 1, uncertain: 0 });
    expect(fs.readdirSync(dir).sort()).toEqual([`${written}.eml`, `${unwritten}.eml`].sort());
    expect(rows(s.db).map((x) => x.status)).toEqual(['sent', 'sent']);
  });

  it('removes a half-written temporary file (it may hold a password) that a killed process left in the outbox folder', async () => {
    const s = await tempStore();
    cleanups.push(s.cleanup);
    seedUsers(s.db, [patron('0001')]);
    const [id] = await queueLetters(s.db, ['0001'], 'GENERAL_MESSAGE');
    const dir = path.join(s.dir, 'store.outbox');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    // As a process killed between writing a letter and renaming it leaves it.
    const dead = await new Promise<number>((resolve) => {
      const c = spawn(process.execPath, ['-e', '']);
      c.on('exit', () => resolve(c.pid!));
    });
    const stale = path.join(dir, `${id}.eml.${dead}.tmp`);
    fs.writeFileSync(stale, 'Your temporary password: Stale7pass', { mode: 0o600 });
    const r = await s.run(['mail', 'retry']);
    expect(r.code).toBe(0);
    expect(fs.readdirSync(dir)).toEqual([`${id}.eml`]);
  });

  it('mail test writes a test letter there too', async () => {
    const s = await tempStore();
    cleanups.push(s.cleanup);
    const r = await s.run(['mail', 'test', '--to', 'me@example.edu', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.transport).toBe(`.eml files in ${path.join(s.dir, 'store.outbox')}`);
    const files = fs.readdirSync(path.join(s.dir, 'store.outbox'));
    expect(files).toHaveLength(1);
    const parsed = await simpleParser(fs.readFileSync(path.join(s.dir, 'store.outbox', files[0]!)));
    expect(parsed.messageId).toBe(j.message_id);
  });
});
