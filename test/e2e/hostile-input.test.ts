import { describe, expect, it } from 'vitest';
import { userStores } from '../helpers/users.js';

/**
 * Hostile user files (issue 11, items 5, 9, 10, 12): each is refused with exit 2 and a
 * sentence naming the file and line, or has its bad record rejected with its line; nothing
 * is stored that the file did not mean.
 */

const store = userStores();
const HEADER = 'primary_id,first_name,last_name\n';

/** The store as `users export` shows it, to compare before and after a refused file. */
async function exported(s: Awaited<ReturnType<typeof store>>): Promise<string> {
  return (await s.run(['users', 'export', '--to', 'ndjson'])).stdout;
}

async function refused(name: string, content: string | Buffer): Promise<{ stderr: string; file: string }> {
  const s = await store();
  const before = await exported(s);
  const file = s.file(name, content);
  const r = await s.run(['users', 'import', file]);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(await exported(s)).toBe(before);
  return { stderr: r.stderr, file };
}

describe('encoding: the whole file is UTF-8 or it is refused', () => {
  it('a Windows-1252 byte after the first 64 kB is refused with its line, like one in the first row', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `u${i},First,Last`);
    const text = Buffer.from(HEADER + rows.join('\n') + '\n');
    const bad = Buffer.concat([text, Buffer.from('u9999,J\xfcrgen,M\xfcller\n', 'latin1')]);
    expect(text.length).toBeGreaterThan(64 * 1024);
    const { stderr, file } = await refused('late.csv', bad);
    expect(stderr).toContain(`error: ${file}: is not UTF-8 text (byte 0xFC on line 5002)`);
    expect(stderr).toContain('iconv -f WINDOWS-1252 -t UTF-8');
  });

  it('an ID file with such a byte is refused too, the set not created', async () => {
    const s = await store();
    const ids = Buffer.concat([Buffer.from(Array.from({ length: 20000 }, (_, i) => `id${i}`).join('\n') + '\n'), Buffer.from('M\xfcller\n', 'latin1')]);
    const r = await s.run(['set', 'create', 'late', '--from-file', s.file('ids.txt', ids)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not UTF-8 text (byte 0xFC on line 20001)');
    expect((await s.run(['set', 'show', 'late'])).code).toBe(2);
  });
});

describe('Alma JSON', () => {
  it('"primary_id": true is rejected, not a user named "true"', async () => {
    const s = await store();
    const r = await s.json(['users', 'import', s.file('u.json', JSON.stringify([{ primary_id: true, first_name: 'A', last_name: 'B' }, { primary_id: { value: 'x' }, first_name: 'A', last_name: 'B' }]))]);
    expect(r.code).toBe(3);
    expect(r.report?.rejections.map((x) => x.reason)).toEqual([
      'primary_id: true is not an ID; write it as a JSON string', 'primary_id: an object is not an ID; write it as a JSON string',
    ]);
    expect(await s.ids()).toEqual(['admin']);
  });

  it('a lone surrogate is rejected naming the field; a pair (an emoji) is kept', async () => {
    const s = await store();
    const text = '[{"primary_id": "s1", "first_name": "A\\ud800", "last_name": "B"}, {"primary_id": "s2", "first_name": "A\\ud83d\\ude00", "last_name": "B"}]';
    const r = await s.json(['users', 'import', s.file('u.json', text)]);
    expect(r.report?.rejections.map((x) => [x.primary_id, x.reason])).toEqual([['s1', 'first_name: holds half of a UTF-16 surrogate pair (U+D800), which is no character']]);
    expect((await s.show('s2')).first_name).toBe('A\u{1F600}');
  });

  it('a timestamp with hour 25 or a date before 1900 or past 9999 is rejected', async () => {
    const s = await store();
    const users = [
      { primary_id: 't1', first_name: 'A', last_name: 'B', user_note: [{ note_text: 'x', created_date: '2024-05-30T25:30:10Z' }] },
      { primary_id: 't2', first_name: 'A', last_name: 'B', expiry_date: '1850-01-01Z' },
      { primary_id: 't3', first_name: 'A', last_name: 'B', expiry_date: '2024-05-30T09:30:10Z' },
    ];
    const r = await s.json(['users', 'import', s.file('u.json', JSON.stringify(users))]);
    expect(r.report?.rejections.map((x) => [x.primary_id, x.reason])).toEqual([
      ['t1', 'user_note 1 created_date: "2024-05-30T25:30:10Z" is not a date or time (expected YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)'],
      ['t2', 'expiry_date: "1850-01-01Z" is not a date (expected YYYY-MM-DD or YYYY-MM-DDZ)'],
    ]);
    expect(await s.ids()).toEqual(['admin', 't3']);
  });

  it('nesting 100,000 deep is refused with its line and column, not a stack overflow', async () => {
    const { stderr, file } = await refused('deep.json', `{"primary_id": "d1",\n "x": ${'['.repeat(100000)}${']'.repeat(100000)}}`);
    expect(stderr).toContain(`error: ${file}: not valid JSON at line 2, column 70: arrays and objects nested more than 64 deep (an Alma user needs 5)`);
  });

  it('a syntax error does not quote the file', async () => {
    const { stderr } = await refused('bad.json', '{"primary_id": "SECRET-ID", "password": "hunter2" oops}');
    expect(stderr).toContain("Expected ',' or '}' after property value");
    expect(stderr).not.toContain('hunter2');
    const other = await refused('notjson.json', '[SECRETPASSWORD]');
    expect(other.stderr).toContain("Unexpected token 'S'");
    expect(other.stderr).not.toContain('SECRETPA');
  });
});

describe('CSV list columns', () => {
  it('a list column nested 100,000 deep rejects its row; the others load', async () => {
    const s = await store();
    const f = s.file('deep.csv', `primary_id,first_name,last_name,notes\nc1,A,B,"${'['.repeat(100000)}"\nc2,A,B,\n`);
    const r = await s.json(['users', 'import', f]);
    expect(r.code).toBe(3);
    expect(r.report?.rejections).toEqual([{ file: f, line: 2, record: 1, primary_id: 'c1', reason: 'notes: not valid JSON at character 65 of the value: arrays and objects nested more than 64 deep (an Alma user needs 5)' }]);
    expect(await s.ids()).toEqual(['admin', 'c2']);
  });
});

describe('Alma XML', () => {
  const user = (inner: string) => `<?xml version="1.0"?>\n<users>\n<user><primary_id>x1</primary_id><first_name>${inner}</first_name><last_name>B</last_name></user>\n</users>\n`;

  it.each([
    ['a DOCTYPE', `<?xml version="1.0"?>\n<!DOCTYPE users [<!ENTITY a "b">]>\n<users><user><primary_id>&a;</primary_id></user></users>`,
      ':2: holds a DOCTYPE: alma-users reads no document type or entity declarations'],
    ['an undeclared entity', user('A&nosuch;'), ':3: &nosuch; is an entity no declaration defines'],
    ['an HTML entity', user('Ren&eacute;'), ':3: &eacute; is an entity no declaration defines'],
    ['a reference past U+10FFFF', user('A&#x110000;'), ':3: &#x110000; is beyond U+10FFFF, the last character'],
    ['a reference to a surrogate', user('A&#xD800;'), ':3: &#xD800; is half of a UTF-16 surrogate pair, not a character'],
    ['a __proto__ element', user('A</first_name><__proto__>x</__proto__><first_name>'), ':3: <__proto__> is no Alma user field, and its name is reserved'],
    ['nesting 100,000 deep', user(`${'<a>'.repeat(100000)}${'</a>'.repeat(100000)}`), ': elements nested too deeply for a user file'],
  ])('%s is refused (exit 2), naming the line', async (_what, xml, message) => {
    const { stderr, file } = await refused('u.xml', xml);
    expect(stderr).toContain(`error: ${file}${message}`);
    expect(stderr).toMatch(/^hint: nothing was imported/m);
  });

  it('the five XML entities, numeric references and entities inside CDATA and comments are read as before', async () => {
    const s = await store();
    const r = await s.run(['users', 'import', s.file('u.xml', user('M&#252;ller &amp; &lt;Co&gt; <!-- &nosuch; --><![CDATA[ &x; ]]>'))]);
    expect(r.code, r.stderr).toBe(0);
    expect((await s.show('x1')).first_name).toBe('Müller & <Co> &x;');
  });
});

describe('dates past 9999-12-31 or before 1900 (item 4)', () => {
  it('job run --expiry-date +9999y is refused (exit 2) and changes no one', async () => {
    const s = await store();
    expect((await s.run(['set', 'create', 'me', '--query', 'primary_id = "admin"'])).code).toBe(0);
    const r = await s.run(['job', 'run', 'update-notify', '--set', 'me', '--expiry-date', '+9999y']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: \+9999y from \d{4}-\d\d-\d\d is past 9999-12-31, the last date alma-users takes/);
    const old = await s.run(['job', 'run', 'update-notify', '--set', 'me', '--expiry-date', '1899-12-31']);
    expect(old.code).toBe(2);
    expect(old.stderr).toContain('error: 1899-12-31 is outside 1900-01-01..9999-12-31');
    expect((await s.show('admin')).expiry_date).toBeUndefined();
  });

  it('a query relative to today past 9999 is refused, not compared as text', async () => {
    const s = await store();
    const r = await s.run(['users', 'list', '--query', 'expiry_date < today + 9999y']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is past 9999-12-31');
  });

  it('a CSV expiry date of 1899-12-31 is rejected with its line', async () => {
    const s = await store();
    const f = s.file('d.csv', `${HEADER.trim()},expiry_date\nd1,A,B,1899-12-31\nd2,A,B,2030-01-01\n`);
    const r = await s.json(['users', 'import', f]);
    expect(r.report?.rejections.map((x) => [x.line, x.reason])).toEqual([[2, expect.stringContaining('from 1900-01-01 to 9999-12-31')]]);
    expect(await s.ids()).toEqual(['admin', 'd2']);
  });
});
