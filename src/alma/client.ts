import pThrottle from 'p-throttle';
import { AlmaApiError, DAILY_THRESHOLD, PER_SECOND_THRESHOLD, QuotaStop } from '../domain/alma/connection.js';
import { bodySummary, parseErrorEnvelope } from './envelope.js';

/**
 * The HTTP client to Alma's REST API (Node's fetch): JSON both ways, the key in the
 * Authorization header only (never in a URL, so never in a message or a proxy's log),
 * every call through one client-side limiter, Alma's error envelope turned into an
 * AlmaApiError naming errorCode and trackingId. A 429 PER_SECOND_THRESHOLD is retried
 * with backoff; a network error or 5xx is retried a few times where repeating the call is
 * harmless; DAILY_THRESHOLD is a QuotaStop.
 */

export interface ClientOptions {
  /** The base URL, without /almaws/v1. */
  baseUrl: string;
  apiKey: string;
  /** Calls a second at most. */
  rate: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds before a call without an answer is given up (default 60 s). */
  timeoutMs?: number;
}

export interface AlmaAnswer {
  status: number;
  body: unknown;
}

export interface CallOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Whether sending it twice does no harm (GET, PUT, adding members): retried after a network error or 5xx. */
  idempotent?: boolean;
}

/** Waits before retrying a 429 PER_SECOND_THRESHOLD: the window Alma counts is one second. */
const BACKOFF_429 = [250, 500, 1000, 2000, 4000, 8000, 8000, 8000, 8000, 8000];
/** Waits before retrying a network error or a 5xx. */
const BACKOFF_FAILURE = [500, 2000, 5000];
/**
 * The limiter's window is a little longer than a second: the calls leave here spaced, and
 * arrive at Alma with the network's jitter; Alma counts arrivals.
 */
const WINDOW_MS = 1060;

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class AlmaClient {
  /** Calls sent (retries included): what the daily quota is charged. */
  calls = 0;
  /** 429 PER_SECOND_THRESHOLD answers received. */
  throttled = 0;
  retried = 0;
  /** X-Exl-Api-Remaining of the last answer. */
  remaining: number | undefined;
  private readonly send: (url: string, init: RequestInit) => Promise<Response>;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly apiBase: string;
  private readonly limit: number;
  /** When the calls of the last window left, oldest first. */
  private readonly sent: number[] = [];

  constructor(private readonly o: ClientOptions) {
    const f = o.fetch ?? fetch;
    const throttle = pThrottle({ limit: Math.max(1, Math.floor(o.rate)), interval: WINDOW_MS, strict: true });
    this.limit = Math.max(1, Math.floor(o.rate));
    this.send = throttle(async (url: string, init: RequestInit) => {
      await this.gate();
      this.calls++;
      return f(url, init);
    });
    this.sleep = o.sleep ?? defaultSleep;
    this.apiBase = `${o.baseUrl}/almaws/v1`;
  }

  get(path: string, query?: CallOptions['query']): Promise<AlmaAnswer> {
    return this.request('GET', path, { query, idempotent: true });
  }

  async request(method: string, path: string, c: CallOptions = {}): Promise<AlmaAnswer> {
    const url = new URL(this.apiBase + path);
    for (const [k, v] of Object.entries(c.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const call = `${method} ${url.pathname.replace(/^\/almaws\/v1/, '')}`;
    const headers: Record<string, string> = { Accept: 'application/json', Authorization: `apikey ${this.o.apiKey}` };
    if (c.body !== undefined) headers['Content-Type'] = 'application/json';
    const init = (): RequestInit => ({
      method, headers, signal: AbortSignal.timeout(this.o.timeoutMs ?? 60_000),
      ...(c.body !== undefined ? { body: JSON.stringify(c.body) } : {}),
    });
    let throttledTries = 0;
    let failedTries = 0;
    for (;;) {
      let res: Response;
      let text: string;
      try {
        res = await this.send(url.href, init());
        text = await res.text();
      } catch (e) {
        if (c.idempotent && failedTries < BACKOFF_FAILURE.length) {
          await this.retry(BACKOFF_FAILURE[failedTries++]!);
          continue;
        }
        throw new AlmaApiError(0, 'NETWORK', `no answer from ${url.host}: ${networkReason(e)}`, undefined, call,
          c.idempotent ? 'check the network and the URL (alma-users alma status), then run the command again' : 'see whether Alma did it (alma-users alma push JOB --status), then run the command again');
      }
      const header = res.headers.get('x-exl-api-remaining');
      if (header !== null && /^\d+$/.test(header.trim())) this.remaining = Number(header);
      if (res.ok) return { status: res.status, body: text ? parseJson(text, call) : null };
      const env = parseErrorEnvelope(text);
      const code = env?.errorCode ?? `HTTP_${res.status}`;
      if (code === DAILY_THRESHOLD) throw new QuotaStop(this.remaining, `Alma's daily API quota is used up (${DAILY_THRESHOLD})`);
      if (res.status === 429 || code === PER_SECOND_THRESHOLD) {
        this.throttled++;
        if (throttledTries < BACKOFF_429.length) {
          await this.retry(BACKOFF_429[throttledTries++]!);
          continue;
        }
      } else if (res.status >= 500 && c.idempotent && failedTries < BACKOFF_FAILURE.length) {
        await this.retry(BACKOFF_FAILURE[failedTries++]!);
        continue;
      }
      // An answer that echoed the key (a proxy's error page) must not carry it into a message.
      const message = (env?.errorMessage ?? bodySummary(text)).split(this.o.apiKey).join('[key]');
      throw new AlmaApiError(res.status, code, message, env?.trackingId, call, hintFor(res.status));
    }
  }

  /**
   * p-throttle spaces the calls by the times it planned for them; when the event loop is
   * late (a busy machine, a long synchronous write), several planned calls run at once.
   * The times calls really left are checked too, so that no window ever holds more.
   */
  private async gate(): Promise<void> {
    for (;;) {
      const now = Date.now();
      while (this.sent.length && now - this.sent[0]! >= WINDOW_MS) this.sent.shift();
      if (this.sent.length < this.limit) {
        this.sent.push(now);
        return;
      }
      await defaultSleep(this.sent[0]! + WINDOW_MS - now);
    }
  }

  private async retry(ms: number): Promise<void> {
    this.retried++;
    await this.sleep(ms + Math.floor(Math.random() * ms * 0.2));
  }
}

function parseJson(text: string, call: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AlmaApiError(200, 'NOT_JSON', `the answer is not JSON: ${bodySummary(text)}`, undefined, call, 'check the URL: it should be Alma\'s API host (alma-users alma config --region)');
  }
}

/** Why fetch failed, in the words of the system (ECONNREFUSED, a timeout), never its stack. */
function networkReason(e: unknown): string {
  if (e instanceof Error) {
    if (e.name === 'TimeoutError') return 'timed out';
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? e.message;
  }
  return String(e);
}

function hintFor(status: number): string | undefined {
  if (status === 401 || status === 403) return 'check the API key in ALMA_API_KEY (or the file ALMA_API_KEY_FILE names) and its permissions in the Developer Network';
  if (status === 429) return 'Alma kept refusing for the per-second threshold: other integrations share it; lower the rate (alma-users alma config --rate) and run again';
  if (status >= 500) return "Alma's side failed; run the command again later";
  return undefined;
}
