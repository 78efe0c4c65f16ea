import fc from 'fast-check';
import { expect } from 'vitest';
import type { CliResult } from '../helpers/cli.js';

/**
 * What every fuzz property shares: a fixed seed (fast-check prints it, with the failing
 * path, when a property fails), a number of runs that fits a few seconds
 * (FUZZ_RUNS=2000 for a soak run; FUZZ_SEED to replay or vary), and a time bound on
 * each run, so a hang fails the property instead of the suite.
 */
export function fuzzParams<T>(): fc.Parameters<T> {
  return {
    seed: Number(process.env.FUZZ_SEED ?? 20261129),
    numRuns: Number(process.env.FUZZ_RUNS ?? 30),
    timeout: 15_000,
    endOnFailure: true,
  };
}

/** A command ended as the README promises: 0, 2 or 3, a message and no stack trace. */
export function expectHandled(r: CliResult, what: string): void {
  expect([0, 2, 3], `${what}\nexit ${r.code}\n${r.stderr}`).toContain(r.code);
  expect(r.stderr, what).not.toMatch(/\n\s+at .*:\d+:\d+/);
  if (r.code === 2) expect(r.stderr, what).toMatch(/^error: /m);
}

/** Text with what breaks readers: quotes, delimiters, line breaks, markup, escapes, control and astral characters. */
export const nastyText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('"', '""', ',', ';', '\t', '\n', '\r\n', '\r', "'0012", '=1+1', '[', '{', ']', '}', '\\', '\\u', '\\ud800',
    '&', '&amp;', '&#xD800;', '&nosuch;', '<', '>', ']]>', '<!--', '\u0000', '\u001b[31m', '\ufeff', '\ud800', '💥', 'true', 'null',
    '1e400', '12345678901234567890', '2024-02-30', '9999-12-31T25:00:00Z', '+9999y', '__proto__', 'constructor'),
);

/** A text with some of its characters inserted, deleted or replaced: a valid file made slightly wrong. */
export function mutated(text: string): fc.Arbitrary<string> {
  return fc.array(fc.tuple(fc.nat({ max: Math.max(0, text.length) }), fc.nat({ max: 3 }), nastyText), { maxLength: 4 }).map((edits) => {
    let t = text;
    for (const [at, del, insert] of edits) t = t.slice(0, at) + insert + t.slice(at + del);
    return t;
  });
}
