/**
 * Rate and time left of a long run, from counts of work done taken as it goes. Pure: the
 * caller brings the clock. The rate is measured over a recent window, up to now, so that
 * a run that slows down (a slow mail server, scrypt hashing, a write lock held by another
 * process) shows it within seconds instead of living on its early average.
 */

/** The count of units done at a time (milliseconds). */
export interface Sample {
  at: number;
  done: number;
}

export interface Estimate {
  /** Units per second; undefined until there is enough to tell (at least RATE_MIN_SPAN_MS). */
  rate: number | undefined;
  /** Seconds left at that rate; undefined while the rate is unknown or nothing moves. */
  etaSeconds: number | undefined;
}

/** How far back the rate looks: long enough to span a few bulks, short enough to follow a change of pace. */
export const RATE_WINDOW_MS = 20_000;
/** Below this, a rate is noise (one bulk's commit). */
export const RATE_MIN_SPAN_MS = 1_000;

/**
 * The samples to keep once `next` is taken: those inside the window, and the newest one
 * before it, so that the span covers the whole window once the run has lasted that long.
 * A sample that repeats the last count adds nothing (a stall shows through `now`).
 */
export function keepSamples(samples: readonly Sample[], next: Sample, windowMs = RATE_WINDOW_MS): Sample[] {
  const last = samples[samples.length - 1];
  const all = last && last.done === next.done ? [...samples] : [...samples, next];
  const from = next.at - windowMs;
  let first = all.findIndex((s) => s.at >= from);
  if (first === -1) first = all.length - 1;
  return all.slice(Math.max(0, first - 1));
}

/** The rate over the samples up to `now`, and the time `total` takes at that rate. */
export function estimate(samples: readonly Sample[], total: number, now: number): Estimate {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last) return { rate: undefined, etaSeconds: undefined };
  if (last.done >= total) return { rate: rateOver(first, last, now), etaSeconds: 0 };
  const rate = rateOver(first, last, now);
  const etaSeconds = rate ? (total - last.done) / rate : undefined;
  return { rate, etaSeconds };
}

function rateOver(first: Sample, last: Sample, now: number): number | undefined {
  const span = now - first.at;
  if (span < RATE_MIN_SPAN_MS) return undefined;
  return ((last.done - first.done) * 1000) / span;
}

/** 45s, 2m 05s, 1h 07m: to the second under an hour, to the minute above. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  const minutes = Math.ceil(s / 60);
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

// Made on first use: building it loads the locale data (~15 ms), and every command that
// can show progress imports this module, including the read-only ones.
let numbers: Intl.NumberFormat | undefined;
const NUMBER = { format: (n: number) => (numbers ??= new Intl.NumberFormat('en')).format(n) };

/** 1,250 users/s, 2.5 users/s, 40 users/min: whole numbers where they say enough. */
export function formatRate(perSecond: number, unit: string): string {
  if (perSecond >= 10) return `${NUMBER.format(Math.round(perSecond))} ${unit}/s`;
  if (perSecond >= 1) return `${perSecond.toFixed(1)} ${unit}/s`;
  const perMinute = perSecond * 60;
  return perMinute >= 1 ? `${Math.round(perMinute)} ${unit}/min` : `under 1 ${unit}/min`;
}

export function formatCount(n: number): string {
  return NUMBER.format(n);
}
