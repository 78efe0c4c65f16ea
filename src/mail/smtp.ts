import os from 'node:os';
import { PassThrough, type Readable } from 'node:stream';
import nodemailer, { type NodemailerError } from 'nodemailer';
import { UsageError } from '../domain/errors.js';
import { LETTER_HEADER, letterHeaders, SendFailure, type OutgoingLetter, type Transport } from './transport.js';

export interface SmtpSettings {
  url: string;
  /** Used when the URL names a user but no password (ALMA_USERS_SMTP_PASSWORD). */
  password?: string | undefined;
  from: string;
  poolSize: number;
  /** Messages a second; undefined: no limit. */
  rateLimit?: number | undefined;
  timeoutMs: number;
}

/** How an SMTP URL is written, for the hint of a URL that is not. */
const URL_FORM = 'expected smtp://[user@]host[:port] or smtps://[user@]host[:port], in ALMA_USERS_SMTP_URL or mail.smtp_url';

const FATAL_CODES = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2', 'ETLS', 'EREQUIRETLS', 'ECONFIG', 'EPROXY']);

/**
 * SMTP through a nodemailer pool: smtp:// (STARTTLS; required when the URL has a user,
 * unless ?starttls=optional; ?starttls=required forces it) or smtps:// (TLS from the start).
 * `?tls_verify=false` accepts a relay's self-signed certificate.
 */
export class SmtpTransport implements Transport {
  readonly name: string;
  readonly description: string;
  readonly from: string;
  readonly concurrency: number;
  readonly perSecond: number | undefined;
  private readonly pool;
  /** Per letter id, the stream its connection reads the message from: whether it was read to the end tells an outcome nobody answered. */
  private readonly streams = new Map<string, Readable>();
  /** Per letter id, what its message's end waits for, until it came (see send). */
  private readonly ready = new Map<string, Promise<void>>();

  constructor(settings: SmtpSettings) {
    let u: URL;
    try {
      u = new URL(settings.url);
    } catch {
      throw new UsageError('the SMTP URL is not a URL', URL_FORM);
    }
    const protocol = u.protocol.toLowerCase();
    if (protocol !== 'smtp:' && protocol !== 'smtps:') {
      throw new UsageError(`the SMTP URL must start with smtp:// or smtps://, not ${protocol}//`, URL_FORM);
    }
    // nodemailer would take a URL without a host for localhost, and send the letters there.
    if (!u.hostname) throw new UsageError('the SMTP URL names no host', URL_FORM);
    const secure = protocol === 'smtps:';
    const port = Number(u.port) || (secure ? 465 : 587);
    const user = u.username ? decoded(u.username, 'user') : undefined;
    const pass = u.password ? decoded(u.password, 'password') : settings.password;
    if (user && !pass) {
      throw new UsageError(`the SMTP URL names user ${user} but no password`, 'export ALMA_USERS_SMTP_PASSWORD=...');
    }
    const starttls = u.searchParams.get('starttls');
    const requireTLS = !secure && (starttls === 'required' || (user !== undefined && starttls !== 'optional'));
    const host = u.hostname.replace(/^\[|\]$/g, '');
    this.name = `${protocol}//${u.host.includes(':') ? u.host : `${u.host}:${port}`}`;
    this.description = `${this.name} (${secure ? 'TLS' : requireTLS ? 'STARTTLS required' : 'STARTTLS when offered'}` +
      `${user ? `, user ${user}` : ''}, ${settings.poolSize} connection(s)${settings.rateLimit ? `, ${settings.rateLimit}/s` : ''})`;
    this.from = settings.from;
    // One letter per connection: a letter is marked 'sending' when a connection takes it, so a
    // crash strands only what the connections held (nodemailer's own queue would hold more).
    this.concurrency = settings.poolSize;
    // The rate is kept by the sender (deliver), before a letter is marked 'sending', not in the pool's queue.
    this.perSecond = settings.rateLimit;
    this.pool = nodemailer.createTransport({
      pool: true,
      host, port, secure, requireTLS,
      ignoreTLS: !secure && starttls === 'never',
      ...(user ? { auth: { user, pass: pass! } } : {}),
      tls: { rejectUnauthorized: u.searchParams.get('tls_verify') !== 'false', servername: host },
      name: os.hostname(),
      maxConnections: settings.poolSize,
      // The pool would send a message again by itself when its connection closes before the
      // answer, whether or not the server kept it: the sender decides that (never on its own).
      maxRequeues: 0,
      connectionTimeout: settings.timeoutMs,
      greetingTimeout: settings.timeoutMs,
      socketTimeout: settings.timeoutMs,
    });
    // The connection reads a message only after the server said 354 to DATA; a stream read to
    // its end means the server had the whole message, whatever happened to its answer. Its
    // end waits for the letter's `ready`: the envelope and the body go while the claim is
    // being forced to the disk, the final dot only after.
    this.pool.use('stream', (mail, done) => {
      const id = (mail.data.headers as Record<string, string> | undefined)?.[LETTER_HEADER];
      if (id !== undefined) {
        mail.message.processFunc((input) => {
          const ready = this.ready.get(id);
          if (!ready) {
            // Its claim is on the disk already: the message goes as it is, with no stream between.
            this.streams.set(id, input);
            return input;
          }
          const out = new PassThrough();
          input.on('error', (e) => out.destroy(e));
          input.pipe(out, { end: false });
          input.on('end', () => void ready.then(() => out.end(), (e: unknown) => out.destroy(e as Error)));
          this.streams.set(id, out);
          return out;
        });
      }
      done();
    });
  }

  async send(letter: OutgoingLetter, ready?: Promise<void>): Promise<string> {
    if (ready) {
      this.ready.set(letter.id, ready);
      // Once it is kept, nothing waits for it; a failure stays, to stop the message's end.
      ready.then(() => this.ready.delete(letter.id), () => undefined);
    }
    try {
      const info = await this.pool.sendMail({
        from: this.from, to: letter.to, subject: letter.subject, text: letter.text, html: letter.html,
        messageId: letter.messageId, headers: letterHeaders(letter),
      });
      if (info.rejected.length > 0) throw new SendFailure('permanent', `recipient rejected: ${info.response}`);
      return info.response;
    } catch (e) {
      if (e instanceof SendFailure) throw e;
      const f = classify(e as NodemailerError);
      // No answer (a timeout, a dropped connection) once the whole message went: the server
      // may have kept it. Sending it again could deliver it twice.
      const whole = this.streams.get(letter.id)?.readableEnded === true;
      throw f.kind === 'temporary' && !(e as NodemailerError).responseCode && whole
        ? new SendFailure('uncertain', `no answer after the message was sent (${f.reply}): the server may have it`)
        : f;
    } finally {
      this.streams.delete(letter.id);
      this.ready.delete(letter.id);
    }
  }

  async close(): Promise<void> {
    this.pool.close();
  }
}

/** A user or password written into the URL, %-decoded; the value itself is never quoted (it may be the password). */
function decoded(part: string, what: 'user' | 'password'): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new UsageError(`the SMTP URL's ${what} holds a % that does not start a %-escape (such as %40 for @)`,
      what === 'password' ? 'write each % of the password as %25, or leave the password out of the URL and export ALMA_USERS_SMTP_PASSWORD=...' : 'write each % of the user name as %25');
  }
}

/** What a nodemailer error means for the letter; the reply is the server's own words. */
export function classify(err: NodemailerError): SendFailure {
  const reply = err.response ?? `${err.code ? `${err.code}: ` : ''}${err.message}`;
  if (err.code && FATAL_CODES.has(err.code)) return new SendFailure('fatal', reply);
  if (err.responseCode !== undefined) return new SendFailure(err.permanent ? 'permanent' : 'temporary', reply);
  // No reply at all: refused, dropped or timed-out connections, DNS: try again later.
  return new SendFailure('temporary', reply);
}
