import { AlmaError } from './http.js';

/** What the server counted since start (or the last resetStats()). */
export interface AlmaStats {
  /** Every request that reached the server, whatever its answer. */
  calls: number;
  /** By "METHOD /route" with ids replaced, e.g. "PUT /users/{id}". */
  byRoute: Record<string, number>;
  /** By HTTP status answered. */
  byStatus: Record<string, number>;
  /** 429 answers sent (per-second, daily and forced storms). */
  rejected429: number;
  /** 429 PER_SECOND_THRESHOLD answers caused by the caller's own rate (not forced storms). */
  rateRejections: number;
  /** The most calls admitted within any one second (sliding window). */
  maxPerSecond: number;
  /** The most authenticated calls that arrived within any one second, admitted or not. */
  maxArrivalsPerSecond: number;
  /** Calls that carried the key as the apikey= query parameter instead of the header. */
  keyInQuery: number;
  /** 401 answers (missing or wrong key). */
  unauthorized: number;
  /** Time of the first and last admitted call (ms), to compute an achieved rate. */
  firstAdmittedAt: number | null;
  lastAdmittedAt: number | null;
  admitted: number;
}

export function emptyStats(): AlmaStats {
  return {
    calls: 0, byRoute: {}, byStatus: {}, rejected429: 0, rateRejections: 0, maxPerSecond: 0,
    maxArrivalsPerSecond: 0, keyInQuery: 0, unauthorized: 0, firstAdmittedAt: null, lastAdmittedAt: null, admitted: 0,
  };
}

/** A sliding one-second window of timestamps. */
class Window {
  private times: number[] = [];
  private head = 0;
  count(now: number): number {
    while (this.head < this.times.length && (this.times[this.head] ?? 0) <= now - 1000) this.head++;
    if (this.head > 1024) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }
  add(now: number): number {
    this.times.push(now);
    return this.count(now);
  }
}

/**
 * Alma's API governance for one institution: at most `perSecond` calls admitted in any one
 * second (429 PER_SECOND_THRESHOLD beyond; a refused call does not use up the window), a
 * daily quota counted down by every admitted call (429 DAILY_THRESHOLD at zero), and the
 * faults a test can force (a storm of 429s, 5xx answers, dropped connections).
 */
export class Governor {
  remaining: number;
  stats: AlmaStats = emptyStats();
  private admittedWindow = new Window();
  private arrivals = new Window();
  private storm = 0;
  private failures: number[] = [];
  private drops = 0;

  constructor(private perSecond: number, dailyQuota: number, private now: () => number) {
    this.remaining = dailyQuota;
  }

  setPerSecond(n: number): void {
    this.perSecond = n;
  }

  forceStorm(n: number): void {
    this.storm += n;
  }

  failNext(n: number, status: number): void {
    for (let i = 0; i < n; i++) this.failures.push(status);
  }

  dropNext(n: number): void {
    this.drops += n;
  }

  /** True when this connection is to be cut without an answer (a forced network error). */
  takeDrop(): boolean {
    if (this.drops === 0) return false;
    this.drops--;
    return true;
  }

  count(route: string, status: number): void {
    this.stats.byRoute[route] = (this.stats.byRoute[route] ?? 0) + 1;
    this.stats.byStatus[status] = (this.stats.byStatus[status] ?? 0) + 1;
    if (status === 429) this.stats.rejected429++;
    if (status === 401) this.stats.unauthorized++;
  }

  /** Admits an authenticated call, or throws the error Alma would answer. */
  admit(): void {
    const now = this.now();
    this.stats.maxArrivalsPerSecond = Math.max(this.stats.maxArrivalsPerSecond, this.arrivals.add(now));
    if (this.storm > 0) {
      this.storm--;
      throw new AlmaError(429, 'PER_SECOND_THRESHOLD', 'HTTP requests are more than allowed per second');
    }
    if (this.admittedWindow.count(now) >= this.perSecond) {
      this.stats.rateRejections++;
      throw new AlmaError(429, 'PER_SECOND_THRESHOLD', 'HTTP requests are more than allowed per second');
    }
    if (this.remaining <= 0) throw new AlmaError(429, 'DAILY_THRESHOLD', 'Daily threshold reached: too many requests');
    const failure = this.failures.shift();
    if (failure !== undefined) throw new AlmaError(failure, 'GENERAL_ERROR', 'Internal server error (forced by the test)');
    this.remaining--;
    this.stats.maxPerSecond = Math.max(this.stats.maxPerSecond, this.admittedWindow.add(now));
    this.stats.admitted++;
    this.stats.firstAdmittedAt ??= now;
    this.stats.lastAdmittedAt = now;
  }
}
