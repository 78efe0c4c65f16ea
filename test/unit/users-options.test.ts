import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseOptions, upper } from '../../src/cli/command.js';
import { choice, positiveInt, upperChoice } from '../../src/cli/commands/users/options.js';
import { STATUSES } from '../../src/domain/user-enums.js';
import { SEARCH_INDEXES } from '../../src/domain/user-fields.js';

/**
 * The read-only users commands check their options without zod; a value must pass or fail
 * with the very message parseOptions gives with the schema the other commands use.
 */

function outcome(f: () => unknown): unknown {
  try {
    return { value: f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe('users options without zod', () => {
  it.each(['10', ' 7 ', '1e3', '0x10', '1.0', '0', '-3', '', '1.5', '-1.5', 'x', 'true', 'Infinity', '99999999999999999999', '-99999999999999999999', undefined])(
    '--limit %j as zod.coerce.number().int().positive()',
    (limit) => {
      const schema = z.object({ limit: z.coerce.number().int().positive().optional() });
      expect(outcome(() => positiveInt('--limit', limit))).toEqual(outcome(() => parseOptions(schema, { limit }).limit));
    },
  );

  it.each(['active', ' Inactive ', 'ACTIVE', 'retired', '', undefined])('--status %j as zod.enum(STATUSES) after upper()', (status) => {
    const schema = z.object({ status: z.preprocess(upper, z.enum(STATUSES).optional()) });
    expect(outcome(() => upperChoice('--status', status, STATUSES))).toEqual(outcome(() => parseOptions(schema, { status }).status));
  });

  it.each(['all', 'email', 'EMAIL', 'shoe'])('--index %j as zod.enum(SEARCH_INDEXES)', (index) => {
    const schema = z.object({ index: z.enum(SEARCH_INDEXES) });
    expect(outcome(() => choice('--index', index, SEARCH_INDEXES))).toEqual(outcome(() => parseOptions(schema, { index }).index));
  });
});
