import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

/**
 * A real SMTP server on 127.0.0.1 for tests: it keeps every message it accepts (raw and
 * parsed with mailparser), and can be told to answer the next messages with a temporary
 * (4xx) or permanent (5xx) error, to refuse some recipients, or to hold messages without
 * answering (a server that hangs, for crash tests).
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
        const finish = () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          void simpleParser(raw).then((parsed) => {
            messages.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              raw,
              parsed,
            });
            callback(null, `queued as ${messages.length}`);
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
