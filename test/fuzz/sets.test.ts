import fc from 'fast-check';
import { describe, it } from 'vitest';
import { tempStores } from '../helpers/cli.js';
import { expectHandled, fuzzParams, mutated, nastyText } from './fuzz.js';

/**
 * ID files (`set create --from-file`, text, CSV or bytes) and the query language
 * (`users list --query`) never crash, hang or exit with anything but 0, 2 or 3; a refused
 * ID file (exit 2) creates no set and leaves the sets as they were.
 */

const stores = tempStores();
let n = 0;

const idLine = fc.oneof(nastyText, fc.constantFrom('0042', 'u1', "'0012345", '"0042"', 'Primary ID', 'USERNAME', 'BARCODE', 'admin', ''));
const idFile = fc.oneof(
  fc.tuple(fc.array(idLine, { maxLength: 12 }), fc.constantFrom('\n', '\r\n', '\r')).map(([lines, nl]) => lines.join(nl)),
  fc.tuple(fc.array(fc.array(idLine, { minLength: 1, maxLength: 4 }), { maxLength: 8 }), fc.constantFrom(',', ';')).map(([rows, d]) => ['Name,Primary ID', ...rows.map((r) => r.join(d))].join('\n')),
  mutated('User name\n0042\nu1\n"0012345"\n'),
  fc.uint8Array({ maxLength: 200 }),
);

const FIELDS = ['primary_id', 'first_name', 'last_name', 'user_group', 'status', 'expiry_date', 'purge_date', 'email', 'role', 'record_type', 'bogus'];
const token = fc.oneof(
  fc.constantFrom(...FIELDS),
  fc.constantFrom('=', '!=', '<', '<=', '>', '>=', 'AND', 'OR', 'NOT', '(', ')', 'IS', 'EMPTY', 'NOT EMPTY', 'CONTAINS', 'IN', 'today', '+', '-',
    '30d', '9999y', '99999999999999999999d', '2030-01-01', '1850-01-01', '"STAFF"', "'x'", '"unterminated', 'true', ','),
  nastyText,
);
const query = fc.oneof(
  fc.array(token, { maxLength: 14 }).map((t) => t.join(' ')),
  mutated('expiry_date < today + 30d AND status = "ACTIVE" AND NOT (user_group = "STAFF" OR email IS EMPTY)'),
  fc.nat({ max: 5000 }).map((d) => `${'('.repeat(d)}status = "ACTIVE"${')'.repeat(d)}`),
);

describe('fuzz: sets', () => {
  it('ID files', async () => {
    const s = await stores();
    await s.run(['users', 'import', s.file('u.csv', 'primary_id,first_name,last_name\n0042,A,B\nu1,C,D\n')]);
    await fc.assert(fc.asyncProperty(idFile, async (content) => {
      const name = `s${n++}`;
      const before = (await s.run(['set', 'list', '--format', 'json'])).stdout;
      const r = await s.run(['set', 'create', name, '--from-file', s.file(`${name}.txt`, Buffer.from(content))]);
      expectHandled(r, `set create --from-file ${JSON.stringify(Buffer.from(content).toString('latin1'))}`);
      if (r.code === 2 && (await s.run(['set', 'list', '--format', 'json'])).stdout !== before) throw new Error(`a refused ID file changed the sets:\n${r.stderr}`);
    }), fuzzParams());
  });

  it('the query language', async () => {
    const s = await stores();
    await fc.assert(fc.asyncProperty(query, async (q) => {
      const r = await s.run(['users', 'list', '--query', q]);
      expectHandled(r, `users list --query ${JSON.stringify(q)}`);
    }), fuzzParams());
  });
});
