import fc from 'fast-check';
import { describe, it } from 'vitest';
import { tempStores } from '../helpers/cli.js';
import { expectHandled, fuzzParams, mutated, nastyText } from './fuzz.js';

/**
 * users import never crashes, hangs or exits with anything but 0, 2 or 3 on any CSV,
 * Alma JSON or Alma XML file, and a refused file (exit 2) leaves the store as it was,
 * compared through `users export` before and after.
 */

const stores = tempStores();

type Store = Awaited<ReturnType<ReturnType<typeof tempStores>>>;

let n = 0;

async function importChecked(s: Store, name: string, content: string | Uint8Array): Promise<void> {
  const before = (await s.run(['users', 'export', '--to', 'ndjson'])).stdout;
  const file = s.file(`${n++}-${name}`, Buffer.from(content));
  const r = await s.run(['users', 'import', file]);
  expectHandled(r, `users import ${name}: ${JSON.stringify(Buffer.from(content).toString('latin1').slice(0, 300))}`);
  if (r.code === 2) {
    const after = (await s.run(['users', 'export', '--to', 'ndjson'])).stdout;
    if (after !== before) throw new Error(`a refused file changed the store:\n${r.stderr}`);
  }
}

const COLUMNS = ['primary_id', 'first_name', 'last_name', 'email', 'phone', 'barcode', 'roles', 'user_group', 'expiry_date', 'birth_date',
  'status', 'notes', 'identifiers', 'emails', 'addresses', 'force_password_change', 'password', 'bogus'];

const csvValue = fc.oneof(nastyText, fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), fc.constantFrom('u1', '0042', 'ACTIVE', '2030-01-31', '[]', '[{"note_text":"x"}]'));
const quoted = (v: string) => (/[",;\n\r]/.test(v) || v.length % 2 === 0 ? `"${v.replace(/"/g, '""')}"` : v);

const csvFile = fc.oneof(
  fc.tuple(fc.subarray(COLUMNS, { minLength: 1 }), fc.array(fc.array(csvValue, { maxLength: 8 }), { maxLength: 6 }), fc.constantFrom(',', ';', '\t'), fc.constantFrom('\n', '\r\n'))
    .map(([cols, rows, d, nl]) => [cols.join(d), ...rows.map((r) => r.map(quoted).join(d))].join(nl) + nl),
  mutated('primary_id,first_name,last_name,email,notes\n0042,"Jürgen ""J""",Müller,jm@example.edu,"[{""note_text"":""hi""}]"\nu2,A,B,,\n'),
  fc.uint8Array({ maxLength: 200 }),
);

const userObject = fc.record({
  primary_id: fc.oneof(nastyText, fc.jsonValue({ maxDepth: 2 }), fc.constant('f1')),
  first_name: fc.oneof(nastyText, fc.jsonValue({ maxDepth: 2 })),
  last_name: nastyText,
  expiry_date: fc.oneof(nastyText, fc.constantFrom('2030-01-01Z', '1850-01-01', '2024-01-01T25:00:00Z')),
  contact_info: fc.jsonValue({ maxDepth: 4 }),
  user_note: fc.jsonValue({ maxDepth: 4 }),
  user_identifier: fc.array(fc.record({ id_type: fc.jsonValue({ maxDepth: 2 }), value: fc.jsonValue({ maxDepth: 2 }) }), { maxLength: 3 }),
}, { requiredKeys: [] });

const jsonFile = fc.oneof(
  fc.array(userObject, { maxLength: 4 }).map((users) => JSON.stringify({ user: users, total_record_count: users.length })),
  userObject.map((u) => JSON.stringify(u)),
  fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
  mutated('{"user": [{"primary_id": "j1", "first_name": "A", "last_name": "B", "contact_info": {"email": [{"email_address": "a@b.c", "preferred": true}]}}], "total_record_count": 1}'),
  fc.nat({ max: 200000 }).map((d) => `{"primary_id": "deep", "x": ${'['.repeat(d)}${']'.repeat(d)}}`),
);

const ELEMENTS = ['user', 'users', 'primary_id', 'first_name', 'last_name', 'user_group', 'expiry_date', 'contact_info', 'emails', 'email',
  'email_address', 'user_notes', 'user_note', 'note_text', '__proto__', 'constructor', 'x'];
const xmlText = nastyText.map((t) => t.replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;')));
const element: fc.Arbitrary<string> = fc.letrec((tie) => ({
  node: fc.oneof({ maxDepth: 4 },
    xmlText,
    fc.tuple(fc.constantFrom(...ELEMENTS), fc.array(tie('node'), { maxLength: 4 })).map(([name, kids]) => `<${name}>${kids.join('')}</${name}>`)),
})).node as fc.Arbitrary<string>;

const xmlFile = fc.oneof(
  fc.array(element, { maxLength: 4 }).map((kids) => `<?xml version="1.0" encoding="UTF-8"?>\n<users>${kids.map((k) => `<user>${k}</user>`).join('\n')}</users>\n`),
  mutated('<?xml version="1.0"?>\n<users total_record_count="1"><user><primary_id>x1</primary_id><first_name>M&#252;ller</first_name><last_name>B</last_name></user></users>\n'),
  fc.constantFrom('<!DOCTYPE u [<!ENTITY a "b">]><user><primary_id>&a;</primary_id></user>', `<users>${'<a>'.repeat(5000)}</users>`),
);

describe('fuzz: users import', () => {
  it('CSV', async () => {
    const s = await stores();
    await fc.assert(fc.asyncProperty(csvFile, (f) => importChecked(s, 'u.csv', f)), fuzzParams());
  });

  it('Alma JSON', async () => {
    const s = await stores();
    await fc.assert(fc.asyncProperty(jsonFile, (f) => importChecked(s, 'u.json', f)), fuzzParams());
  });

  it('Alma XML (as SIS exports write it)', async () => {
    const s = await stores();
    await fc.assert(fc.asyncProperty(xmlFile, (f) => importChecked(s, 'u.xml', f)), fuzzParams());
  });
});
