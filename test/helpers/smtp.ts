import { simpleParser, type ParsedMail } from 'mailparser';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { loadLetters } from '../../src/app/letters/load.js';
import { preferredEmail } from '../../src/domain/user-fields.js';
import { openStore } from '../../src/store/db.js';
import { Outbox } from '../../src/store/outbox-queue.js';
import { UserStore } from '../../src/store/users.js';
import { afterEach } from 'vitest';
import type { UserInput } from '../../src/domain/user.js';
import { BIN, tempStore, type CliResult } from './cli.js';
import { seedUsers } from './seed.js';

/**
 * A real SMTP server on 127.0.0.1 for tests: it keeps every message it accepts (raw and
 * parsed with mailparser), and can be told to answer the next messages with a temporary
 * (4xx) or permanent (5xx) error, to refuse some recipients, to hold messages without
 * answering (a server that hangs, for crash tests), to keep a message and answer only after
 * a delay (slowAck: a relay slower than mail.timeout), or to keep it and drop the connection
 * without answering (dropAfterData).
 */

export interface ReceivedMessage {
  from: string;
  to: string[];
  raw: string;
  parsed: ParsedMail;
}

export interface TestSmtp {
  port: number;
  /** smtp://127.0.0.1:PORT, for ALMA_USERS_SMTP_URL. */
  url: string;
  messages: ReceivedMessage[];
  /** Messages whose data came in but were answered with an error (failNext): what the server saw of them. */
  refusedData: string[];
  /** Answer the next n messages with this error (e.g. 451 or 554) instead of accepting them. */
  failNext(n: number, code: number, text?: string): void;
  /** Refuse these recipients for good (550) at RCPT TO. */
  refuse(address: string): void;
  /** Answer this recipient with a temporary error (451) at RCPT TO, every time. */
  defer(address: string): void;
  /** Take this recipient again (undoes refuse and defer). */
  accept(address: string): void;
  /** How many times a message to this recipient was offered (RCPT TO), whatever the answer. */
  offered(address: string): number;
  /** Take messages in but never answer, until release() (an SMTP outcome nobody learns). */
  hold(): void;
  /** How many messages are held unanswered. */
  held(): number;
  release(): void;
  /** Keep every message, but answer each only after this many ms (0: at once again). */
  slowAck(ms: number): void;
  /** Keep the next n messages, then drop their connection without answering. */
  dropAfterData(n: number): void;
  /** Messages kept per Message-ID: what a receiver would see twice. */
  copies(): Map<string, number>;
  /** Resolves once at least n messages have been accepted. */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedMessage[]>;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const messages: ReceivedMessage[] = [];
  const failures: { code: number; text: string }[] = [];
  const refused = new Set<string>();
  const deferred = new Set<string>();
  const offers = new Map<string, number>();
  const refusedData: string[] = [];
  let holding = false;
  let ackDelay = 0;
  let drops = 0;
  const pending: (() => void)[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];

  const accepted = () => {
    for (const w of [...waiters]) {
      if (messages.length >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };

  const server = new SMTPServer({
    authOptional: true,
    // No TLS on loopback: the test server has no certificate a client would trust.
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const to = address.address.toLowerCase();
      offers.set(to, (offers.get(to) ?? 0) + 1);
      if (deferred.has(to)) {
        return callback(Object.assign(new Error(`4.2.1 <${address.address}>: mailbox busy, try again later`), { responseCode: 451 }));
      }
      if (refused.has(to)) {
        const err = Object.assign(new Error(`5.1.1 <${address.address}>: mailbox unavailable`), { responseCode: 550 });
        return callback(err);
      }
      callback();
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const failure = failures.shift();
        if (failure) {
          refusedData.push(Buffer.concat(chunks).toString('utf8'));
          return callback(Object.assign(new Error(failure.text), { responseCode: failure.code }));
        }
        const drop = drops > 0;
        if (drop) drops--;
        const finish = () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          void simpleParser(raw).then((parsed) => {
            messages.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              raw,
              parsed,
            });
            if (drop) {
              // The message is kept; the client never hears so.
              const conn = [...(server as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> }).connections].find((c) => c.id === session.id);
              conn?._socket.destroy();
            } else if (ackDelay > 0) {
              setTimeout(() => callback(null, `queued as ${messages.length}`), ackDelay);
            } else {
              callback(null, `queued as ${messages.length}`);
            }
            accepted();
          }, (e: Error) => callback(e));
        };
        if (holding) pending.push(finish);
        else finish();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // A client killed mid-message (the kill -9 tests) resets its connection, which smtp-server
  // reports as the server's 'error': a real server logs it and goes on serving.
  server.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'ECONNRESET' && e.code !== 'EPIPE') throw e;
  });
  const port = (server.server.address() as AddressInfo).port;

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    refusedData,
    failNext(n, code, text) {
      for (let i = 0; i < n; i++) failures.push({ code, text: text ?? (code < 500 ? '4.3.0 try again later' : '5.7.1 message refused') });
    },
    refuse(address) {
      refused.add(address.toLowerCase());
    },
    defer(address) {
      deferred.add(address.toLowerCase());
    },
    accept(address) {
      refused.delete(address.toLowerCase());
      deferred.delete(address.toLowerCase());
    },
    offered: (address) => offers.get(address.toLowerCase()) ?? 0,
    hold() {
      holding = true;
    },
    held: () => pending.length,
    release() {
      holding = false;
      for (const f of pending.splice(0)) f();
    },
    slowAck(ms) {
      ackDelay = ms;
    },
    dropAfterData(n) {
      drops += n;
    },
    copies() {
      const m = new Map<string, number>();
      for (const msg of messages) {
        const id = msg.parsed.messageId ?? '';
        m.set(id, (m.get(id) ?? 0) + 1);
      }
      return m;
    },
    waitFor(n, timeoutMs = 30_000) {
      if (messages.length >= n) return Promise.resolve(messages);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${messages.length} of ${n} messages arrived`)), timeoutMs);
        waiters.push({ n, resolve: () => { clearTimeout(timer); resolve(messages); } });
      });
    },
    close() {
      pending.splice(0);
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A letter as `mail list --format json` shows it. */
export interface ListedLetter {
  id: string;
  message_id: string;
  primary_id: string;
  recipient: string;
  status: string;
  attempts: number;
  last_reply: string | null;
}

/** The outbox through the CLI's own eyes: `mail list --format json` (extra arguments filter it). */
export async function listedLetters(run: (args: string[]) => Promise<CliResult>, ...args: string[]): Promise<ListedLetter[]> {
  const r = await run(['mail', 'list', '--format', 'json', ...args]);
  if (r.code !== 0) throw new Error(`mail list failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ListedLetter[];
}

/** The store's file and its write-ahead log as text, for what no command shows: that a secret or a body is not in them. */
export function storeText(dbFile: string): string {
  return [dbFile, `${dbFile}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f).toString('latin1')).join('');
}

/** Renders and queues one letter per user in one transaction, as a job's bulk does; returns their ids. */
export async function queueLetters(dbFile: string, ids: string[], type: string, passwords?: Map<string, string>): Promise<string[]> {
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
        carriesPassword: renderer.carriesPassword(type),
      }).id;
    }))();
  } finally {
    db.close();
  }
}

/**
 * Starts `mail retry` as a real process, lets the server take its first n messages in
 * without answering, kills the sender (SIGKILL), then lets the server answer: the server
 * has the messages, the killed sender never learnt it. Resolves once they have arrived.
 */
export async function killSenderMidSmtp(dbFile: string, smtp: TestSmtp, n: number): Promise<void> {
  smtp.hold();
  const child = spawn(process.execPath, [BIN, 'mail', 'retry'], {
    env: { PATH: process.env.PATH, HOME: os.tmpdir(), ALMA_USERS_DB: dbFile, ALMA_USERS_OPERATOR: 'admin', ALMA_USERS_SMTP_URL: smtp.url },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const deadline = Date.now() + 20_000;
  while (smtp.held() < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (smtp.held() !== n) throw new Error(`the server holds ${smtp.held()} messages, not ${n}`);
  child.kill('SIGKILL');
  await exited;
  smtp.release();
  // The server answers a released message only once it has parsed it, some event-loop turns
  // later; a spawned CLI used to give it that time, an in-process one does not.
  await smtp.waitFor(n);
}

/**
 * For one test file: a factory of temporary stores, with these users, whose letters go to
 * a real SMTP server of their own (institution.name and institution.email set); both are
 * removed after each test. `mail` runs `alma-users mail ...` against that server.
 */
export function smtpStores(): (users?: UserInput[]) => Promise<Awaited<ReturnType<typeof tempStore>> & {
  smtp: TestSmtp;
  env: { ALMA_USERS_SMTP_URL: string };
  mail: (args: string[]) => Promise<CliResult>;
}> {
  const cleanups: (() => void | Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  return async (users = []) => {
    const s = await tempStore();
    cleanups.push(s.cleanup);
    const smtp = await startSmtp();
    cleanups.push(() => smtp.close());
    for (const [k, v] of [['institution.name', 'Example University Library'], ['institution.email', 'library@example.edu']] as const) {
      const r = await s.run(['config', 'set', k, v]);
      if (r.code !== 0) throw new Error(`config set ${k} failed: ${r.stderr}`);
    }
    seedUsers(s.db, users);
    const env = { ALMA_USERS_SMTP_URL: smtp.url };
    return { ...s, smtp, env, mail: (args: string[]) => s.run(['mail', ...args], { env }) };
  };
}
