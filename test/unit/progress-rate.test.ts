import { describe, expect, it } from 'vitest';
import { estimate, formatDuration, formatRate, keepSamples, RATE_WINDOW_MS, type Sample } from '../../src/cli/progress-rate.js';

/** Samples taken every `every` ms, `per` units each time, from t=0. */
function steady(count: number, every: number, per: number): Sample[] {
  let kept: Sample[] = [];
  for (let i = 0; i <= count; i++) kept = keepSamples(kept, { at: i * every, done: i * per });
  return kept;
}

describe('rate and time left', () => {
  it('knows nothing before a second has passed', () => {
    expect(estimate([], 100, 0)).toEqual({ rate: undefined, etaSeconds: undefined });
    expect(estimate([{ at: 0, done: 0 }, { at: 500, done: 200 }], 1000, 900)).toEqual({ rate: undefined, etaSeconds: undefined });
  });

  it('a steady pace: the rate is that pace, the time left what remains at it', () => {
    // 200 users every 2 s = 100 users/s; 50,000 users, 10,000 done at t=100 s.
    const samples = steady(50, 2000, 200);
    const e = estimate(samples, 50_000, 100_000);
    expect(e.rate).toBeCloseTo(100, 6);
    expect(e.etaSeconds).toBeCloseTo(400, 6);
  });

  it('follows a change of pace within the window, not the average since the start', () => {
    // 100 users/s for 60 s, then 10 users/s for 30 s.
    let kept: Sample[] = [];
    for (let t = 0; t <= 60; t++) kept = keepSamples(kept, { at: t * 1000, done: t * 100 });
    for (let t = 61; t <= 90; t++) kept = keepSamples(kept, { at: t * 1000, done: 6000 + (t - 60) * 10 });
    const e = estimate(kept, 10_000, 90_000);
    // Over the whole run it would be 6,300 / 90 s = 70/s; the last 20 s say 10/s.
    expect(e.rate).toBeCloseTo(10, 0);
    expect(e.etaSeconds).toBeCloseTo((10_000 - 6300) / 10, -1);
  });

  it('a stall lowers the rate as time passes and the time left grows', () => {
    const samples = steady(10, 1000, 100); // 1,000 done at t=10 s, at 100/s
    const soon = estimate(samples, 2000, 10_000);
    const later = estimate(samples, 2000, 40_000);
    expect(soon.rate).toBeCloseTo(100, 6);
    expect(later.rate!).toBeLessThan(soon.rate! / 2);
    expect(later.etaSeconds!).toBeGreaterThan(soon.etaSeconds! * 2);
  });

  it('nothing moving at all: a rate of 0 and no time left to promise', () => {
    const e = estimate([{ at: 0, done: 500 }], 1000, 5000);
    expect(e).toEqual({ rate: 0, etaSeconds: undefined });
  });

  it('done is done: no time left', () => {
    expect(estimate(steady(5, 1000, 20), 100, 5000).etaSeconds).toBe(0);
  });

  it('keeps the window and one sample before it, and drops repeats of the last count', () => {
    const samples = steady(100, 1000, 1);
    expect(samples[0]!.at).toBeLessThan(100_000 - RATE_WINDOW_MS);
    expect(samples[1]!.at).toBeGreaterThanOrEqual(100_000 - RATE_WINDOW_MS);
    expect(samples.length).toBeLessThanOrEqual(RATE_WINDOW_MS / 1000 + 2);
    const again = keepSamples(samples, { at: 101_000, done: 100 });
    expect(again.at(-1)).toEqual({ at: 100_000, done: 100 });
  });
});

describe('how they read', () => {
  it('durations: seconds, then minutes and seconds, then hours and minutes', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(44.2)).toBe('45s');
    expect(formatDuration(125)).toBe('2m 05s');
    expect(formatDuration(3599.5)).toBe('1h 00m');
    expect(formatDuration(4021)).toBe('1h 08m');
  });

  it('rates: whole numbers when large, a decimal when small, per minute when slow', () => {
    expect(formatRate(1250.4, 'users')).toBe('1,250 users/s');
    expect(formatRate(2.54, 'users')).toBe('2.5 users/s');
    expect(formatRate(0.5, 'letters')).toBe('30 letters/min');
    expect(formatRate(0.001, 'users')).toBe('under 1 users/min');
  });
});
