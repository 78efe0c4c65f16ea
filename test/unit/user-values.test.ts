import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { User } from '../../src/domain/user.js';
import { LIST_FIELDS } from '../../src/domain/user-fields.js';
import { columnValue, newUserValues, WRITE_COLUMNS } from '../../src/store/users.js';

/** A user with any of its columns set or not: every list, every text, the flag. */
const user = fc.record(
  Object.fromEntries(
    WRITE_COLUMNS.map((c) => [
      c,
      (LIST_FIELDS as readonly string[]).includes(c)
        ? fc.array(fc.record({ value: fc.string() }), { maxLength: 2 })
        : c === 'force_password_change'
          ? fc.boolean()
          : fc.option(fc.oneof(fc.string({ maxLength: 3 }), fc.constant('[]')), { nil: undefined }),
    ]),
  ),
) as unknown as fc.Arbitrary<User>;

/** What the table gives a column nobody binds: NULL, an empty list for a list column, 0 for the flag. */
const isDefault = (v: string | number | null, c: string) =>
  v === null || ((LIST_FIELDS as readonly string[]).includes(c) && v === '[]') || (c === 'force_password_change' && v === 0);

describe('newUserValues', () => {
  it('binds each column columnValue gives, unless it is the column\'s default, in column order and with its bit', () => {
    fc.assert(
      fc.property(user, (u) => {
        const out: (string | number)[] = [];
        const mask = newUserValues(u, out);
        const bound = WRITE_COLUMNS.map((c, i) => ({ i, v: columnValue(u, c) })).filter(({ i, v }) => !isDefault(v, WRITE_COLUMNS[i]!));
        expect(out).toEqual(bound.map((b) => b.v));
        expect(mask).toBe(bound.reduce((m, b) => m + 2 ** b.i, 0));
      }),
      { numRuns: 500 },
    );
  });
});
