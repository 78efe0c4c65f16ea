import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkUser } from '../../src/app/import-check.js';
import { userSchema } from '../../src/domain/user.js';
import { USER_SHAPE } from '../../src/domain/user-fields.js';
import { columnValue, WRITE_COLUMNS } from '../../src/store/users.js';

/** What the store writes of a user: the one view in which the two checks must agree. */
const written = (u: Parameters<typeof columnValue>[0]) => WRITE_COLUMNS.map((c) => columnValue(u, c));

/** Mostly what a file gives (absent, or good values), sometimes what either check must refuse. */
const of = (good: unknown[], bad: unknown[]) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 8 }, { arbitrary: fc.constantFrom(...good), weight: 8 }, { arbitrary: fc.constantFrom(...bad), weight: 1 });
const BAD = ['', ' ', null, 7, true, 'x\u0001y', ['x']];
const text = of(['x', ' Ada ', 'Müller', "O'Brien", 'a@b'], BAD);
const date = of(['2027-02-28', ' 2027-02-28 ', '2000-02-29'], [...BAD, '2027-02-30', '1899-12-31', '2027-2-28']);
const status = of(['ACTIVE', 'INACTIVE'], [...BAD, 'active']);
const segment = of(['Internal', 'External'], [...BAD, 'internal']);
const bool = of([true, false], [...BAD, 'true']);
const texts = of([[], ['x'], [' y ', 'z']], [...BAD, [''], [7]]);
const items = <T>(item: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: fc.array(item, { maxLength: 2 }), weight: 4 }, fc.constantFrom(...BAD));
const record = fc.record({
  primary_id: fc.oneof({ arbitrary: fc.constantFrom('0042', ' 0042 ', 'ab-1'), weight: 8 }, fc.constantFrom(...BAD, undefined, 'x'.repeat(256), 'a\u007fb')), first_name: text, last_name: text, user_group: text,
  record_type: of(['PUBLIC', 'STAFF', 'CONTACT'], [...BAD, 'staff']), account_type: of(['INTERNAL', 'EXTERNAL'], BAD), status,
  expiry_date: date, birth_date: date, force_password_change: bool, password_hash: text, id: fc.integer(), created_at: text,
  identifiers: items(fc.record({ type: text, value: text, status, segment, note: text, extra: text }, { requiredKeys: [] })),
  emails: items(fc.record({ address: of(['a@b', ' a@b.edu ', 'müller@example.de'], [...BAD, 'a b@c', '@', 'a@']), types: texts, preferred: bool, description: text, segment }, { requiredKeys: [] })),
  phones: items(fc.record({ number: text, types: texts, preferred: bool, preferred_sms: bool, segment }, { requiredKeys: [] })),
  roles: items(fc.record({ role: text, scope: text, status, parameters: of([[]], [[{ type: 'x', value: 'y' }], null]), expiry_date: date }, { requiredKeys: [] })),
  notes: items(fc.record({ type: text, text }, { requiredKeys: [] })),
  rs_libraries: texts,
}, { requiredKeys: [] });

describe('the import\'s hand check of a user', () => {
  it('vouches only for what userSchema accepts, and gives what userSchema gives', () => {
    let vouched = 0;
    fc.assert(fc.property(record, (merged) => {
      const fast = checkUser(merged);
      if (fast === undefined) return;
      vouched++;
      const parsed = userSchema.safeParse(merged);
      expect(parsed.success).toBe(true);
      expect(written(fast)).toEqual(written(parsed.data!));
    }), { seed: 12, numRuns: 3000 });
    // The property says something only if the hand check does vouch for many of them.
    expect(vouched).toBeGreaterThan(150);
  });

  it('vouches for a user as a CSV row gives it, so the import does not need zod for it', () => {
    const merged = {
      primary_id: '0000042', first_name: 'Ada', last_name: "O'Brien", user_group: 'STAFF', job_category: 'Cataloger', record_type: 'STAFF',
      account_type: 'EXTERNAL', external_id: 'SIS', status: 'ACTIVE', expiry_date: '2027-02-28', purge_date: '2028-02-28',
      emails: [{ address: 'u0000042@example.edu', types: [], preferred: true, segment: 'Internal' }],
      identifiers: [{ type: 'BARCODE', value: 'B0000042', status: 'ACTIVE', segment: 'Internal' }],
      roles: [{ role: 'patron' }, { role: 'cataloger', scope: 'MAIN' }],
    };
    const fast = checkUser(merged);
    expect(fast).toBeDefined();
    expect(written(fast!)).toEqual(written(userSchema.parse(merged)));
  });

  it('gives list items of its own, so resolving codes in place leaves the stored user as it was', () => {
    const stored = { primary_id: 'x', roles: [{ role: 'patron', status: 'ACTIVE', parameters: [] }] };
    const fast = checkUser(stored)!;
    fast.roles[0]!.role = 'changed';
    expect(stored.roles[0]!.role).toBe('patron');
  });

  it('gives every field of a user, in the order of USER_SHAPE', () => {
    expect(Object.keys(checkUser({ primary_id: 'x' })!)).toEqual(Object.keys(USER_SHAPE));
  });
});
