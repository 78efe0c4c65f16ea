import { describe, expect, it } from 'vitest';
import { choice, positiveInt, upperChoice } from '../../src/cli/options.js';
import { STATUSES } from '../../src/domain/user-enums.js';
import { SEARCH_INDEXES } from '../../src/domain/user-fields.js';

/**
 * The zod-free option checks (src/cli/options.ts): a count and a choice of words, with
 * messages that quote the value given and say what to give.
 */

function outcome(f: () => unknown): unknown {
  try {
    return { value: f() };
  } catch (e) {
    return { error: (e as Error).message, hint: (e as { hint?: string }).hint };
  }
}

describe('option checks without zod', () => {
  it.each([['10', 10], [' 7 ', 7], ['0012', 12], [undefined, undefined]])('--limit %j is %j', (limit, n) => {
    expect(positiveInt('--limit', limit)).toBe(n);
  });

  it.each(['abc', '0', '-3', '', '1.5', '1e3', '0x10', 'Infinity', '99999999999999999999'])('--limit %j is refused, quoted, with a count to give', (limit) => {
    expect(outcome(() => positiveInt('--limit', limit))).toEqual({
      error: `--limit ${limit.trim() === '' ? '""' : limit}: not a whole number above 0`, hint: 'give a count, e.g. --limit 50',
    });
  });

  it('takes a status in any case and refuses another word, listing the ones it takes', () => {
    expect(upperChoice('--status', ' Inactive ', STATUSES)).toBe('INACTIVE');
    expect(outcome(() => upperChoice('--status', 'retired', STATUSES))).toEqual({
      error: '--status retired: not one of ACTIVE, INACTIVE', hint: 'e.g. --status ACTIVE',
    });
  });

  it('takes an index exactly as written', () => {
    expect(choice('--index', 'email', SEARCH_INDEXES)).toBe('email');
    expect(outcome(() => choice('--index', 'EMAIL', SEARCH_INDEXES))).toMatchObject({ error: expect.stringContaining('--index EMAIL: not one of all, ') });
  });
});
