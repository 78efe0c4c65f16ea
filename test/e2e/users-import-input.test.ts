import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { userStores } from '../helpers/users.js';

/**
 * `users import` of files that would otherwise lose or change data without a word: quotes
 * that swallow rows, JSON numbers that round, Excel's text marker, control characters,
 * spreadsheets and other binary files, syntax errors, long NDJSON lines, Alma pages.
 */

const store = userStores();

describe('users import: a quote that swallows rows', () => {
  it('rejects a one-line field holding a line break, naming the lines the record covers; the rows after it load', async () => {
    const s = await store();
    const f = s.file('swallow.csv', 'primary_id,first_name,last_name\nu1,Al,Ames\nu2,"Bob\nu3,Cy,Doe\nu4,Di",X\nu5,Ed,Eng\n');
    const r = await s.json(['users', 'import', f]);
    expect(r.code).toBe(3);
    expect(r.report).toMatchObject({ created: 2, rejected: 1, lines: 6 });
    expect(r.report?.rejections).toEqual([{
      file: f, line: 3, record: 2, primary_id: 'u2',
      reason: 'first_name holds a line break, so this record covers lines 3-5: if a quote on line 3 is not closed where it should be, lines 4-5 were read into this value, not as users',
    }]);
    expect(await s.ids()).toEqual(['admin', 'u1', 'u5']);
  });

  it('refuses a file whose quote is never closed (exit 2, nothing written), naming the line and how many lines were not read', async () => {
    const s = await store();
    const rows = Array.from({ length: 1000 }, (_, i) => `u${i + 1},First,Last`);
    rows[2] = 'u3,"First,Last';
    const f = s.file('open.csv', ['primary_id,first_name,last_name', ...rows].join('\n') + '\n');
    const r = await s.run(['users', 'import', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: ${f}:4: a quoted value opens on line 4 and is never closed, so lines 4-1001 (998 lines) could not be read`);
    expect(r.stderr).toMatch(/hint: .*close the quote on line 4/);
    expect(await s.ids()).toEqual(['admin']);
  });

  it('lets a JSON list column span lines, and a note hold a line break', async () => {
    const s = await store();
    const notes = '[\n {""type"": ""GENERAL"", ""text"": ""first line\\nsecond line""}\n]';
    const f = s.file('notes.csv', `primary_id,first_name,last_name,notes\nn1,Nia,Ng,"${notes}"\nn2,Ned,Ng,\n`);
    const r = await s.json(['users', 'import', '--add-missing-codes', f]);
    expect(r.code).toBe(0);
    expect(r.report).toMatchObject({ created: 2, lines: 5, files: [{ lines: 5, records: 2 }] });
    const u = await s.show('n1');
    expect(u.user_note[0].note_text).toBe('first line\nsecond line');
  });

  it('counts the lines read in the table report too', async () => {
    const s = await store();
    const r = await s.run(['users', 'import', s.file('u.csv', 'primary_id,first_name,last_name\r\nx1,X,One\r\nx2,X,Two\r\n')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^lines read\t3$/m);
  });
});

describe('users import: JSON numbers', () => {
  it('refuses an ID or identifier written as a number JSON cannot keep exactly, naming the fix', async () => {
    const s = await store();
    const f = s.file('numbers.json', `[
      {"primary_id": 12345678901234567890},
      {"primary_id": "b1", "user_identifier": [{"id_type": {"value": "BARCODE"}, "value": 39015012345678901}]},
      {"primary_id": 0.1e2},
      {"primary_id": 12.5},
      {"primary_id": "c1", "user_identifier": [{"id_type": {"value": "BARCODE"}, "value": 7.5}]},
      {"primary_id": 12345, "first_name": "N", "last_name": "N", "user_identifier": [{"id_type": {"value": "BARCODE"}, "value": 9007199254740991}]}
    ]`);
    const r = await s.json(['users', 'import', f]);
    expect(r.code).toBe(3);
    expect(r.report?.rejections.map((x) => [x.primary_id, x.reason])).toEqual([
      ['12345678901234567890', 'primary_id: the number 12345678901234567890 cannot be read exactly as a JSON number; write it as a JSON string: "12345678901234567890"'],
      ['b1', 'user_identifier[1].value: the number 39015012345678901 cannot be read exactly as a JSON number; write it as a JSON string: "39015012345678901"'],
      ['0.1e2', 'primary_id: the number 0.1e2 cannot be read exactly as a JSON number; write it as a JSON string: "0.1e2"'],
      ['12.5', 'primary_id: 12.5 is not a whole number, and an ID is text; write it as a JSON string'],
      ['c1', 'user_identifier 1 value: 7.5 is not a whole number, and an ID is text; write it as a JSON string'],
    ]);
    // A whole number JSON holds exactly is its digits.
    expect(await s.ids()).toEqual(['12345', 'admin']);
    const u = await s.show('12345');
    expect(u.user_identifier[0].value).toBe('9007199254740991');
  });

  it('refuses the same in NDJSON and in a CSV list column', async () => {
    const s = await store();
    const nd = s.file('n.ndjson', '{"primary_id": "ok1", "first_name": "N", "last_name": "N"}\n{"primary_id": 123456789012345678}\n');
    const r1 = await s.json(['users', 'import', nd]);
    expect(r1.report?.rejections).toEqual([expect.objectContaining({ line: 2, reason: expect.stringContaining('write it as a JSON string: "123456789012345678"') })]);
    const csv = s.file('n.csv', 'primary_id,identifiers\nc2,"[{""type"":""BARCODE"",""value"":39015012345678901}]"\n');
    const r2 = await s.json(['users', 'import', csv]);
    expect(r2.report?.rejections[0]?.reason).toBe('identifiers[1].value: the number 39015012345678901 cannot be read exactly as a JSON number; write it as a JSON string: "39015012345678901"');
  });
});

describe("users import: Excel's ' text marker", () => {
  it("reads '0012345 in a CSV as the primary ID 0012345, as a set's ID file does, and a barcode likewise", async () => {
    const s = await store();
    expect((await s.run(['users', 'import', s.file('a.csv', 'primary_id,first_name,last_name\n0012345,Zed,Z\n')])).code).toBe(0);
    const r = await s.json(['users', 'import', s.file('b.csv', "primary_id,first_name,barcode\n'0012345,Zoe,'0099\n")]);
    expect(r.code).toBe(0);
    expect(r.report).toMatchObject({ created: 0, updated: 1 });
    expect(await s.ids()).toEqual(['0012345', 'admin']);
    const u = await s.show('0012345');
    expect(u).toMatchObject({ first_name: 'Zoe', user_identifier: [{ value: '0099' }] });
    // The set loader finds the same user from the same cell.
    const set = await s.run(['set', 'create', 'one', '--from-file', '-'], { input: "User name\n'0012345\n" });
    expect(set.code).toBe(0);
    expect(JSON.parse((await s.run(['set', 'members', 'one', '--format', 'json'])).stdout).map((m: { primary_id: string }) => m.primary_id)).toEqual(['0012345']);
  });

  it("gives back through a CSV export and import IDs that begin with ' or a formula character", async () => {
    const s = await store();
    const f = s.file('ids.json', JSON.stringify([
      { primary_id: "'quoted" }, { primary_id: '=1+2' }, { primary_id: "'=3" }, { primary_id: '-5' }, { primary_id: '@x' },
    ].map((u) => ({ ...u, first_name: 'N', last_name: 'N' }))));
    expect((await s.run(['users', 'import', f])).code).toBe(0);
    const exported = (await s.run(['users', 'export', '--to', 'csv'])).stdout;
    const r = await s.json(['users', 'import', s.file('again.csv', exported)]);
    expect(r.report).toMatchObject({ created: 0, updated: 0, unchanged: 6, rejected: 0 });
    expect(await s.ids()).toEqual(["'=3", "'quoted", '-5', '=1+2', '@x', 'admin']);
  });
});

describe('users import: control characters', () => {
  it('rejects a control character in any field, naming the field, in JSON, CSV and XML', async () => {
    const s = await store();
    const json = s.file('c.json', JSON.stringify([
      { primary_id: 'j1', first_name: 'A\u0001B' },
      { primary_id: 'j2', contact_info: { address: [{ line1: 'Main St\u001b[2J', city: 'X' }] } },
      { primary_id: 'j3', last_name: 'C1\u0085' },
      { primary_id: 'j4', first_name: 'Tab\there' },
      { primary_id: 'j5', first_name: 'N', last_name: 'N', user_note: [{ note_type: { value: 'GENERAL' }, note_text: 'two\nlines\tand a tab' }] },
      { primary_id: 'j6', job_description: 'line\nbreak' },
    ]));
    const r = await s.json(['users', 'import', json]);
    expect(r.code).toBe(3);
    expect(Object.fromEntries(r.report!.rejections.map((x) => [x.primary_id, x.reason]))).toEqual({
      j1: 'first_name: holds a control character (U+0001), which no field may hold',
      j2: 'addresses[1].line1: holds a control character (U+001B), which no field may hold',
      j3: 'last_name: holds a control character (U+0085), which no field may hold',
      j4: 'first_name: holds a tab (U+0009)',
      j6: 'job_description: holds a line break (U+000A); only notes (user notes, block notes, address notes) may have several lines',
    });
    expect(await s.ids()).toEqual(['admin', 'j5']);
    const csv = await s.json(['users', 'import', s.file('c.csv', 'primary_id,last_name,email\nk1,Doe,k1@example.edu\u0007\n')]);
    expect(csv.report?.rejections[0]).toMatchObject({ line: 2, primary_id: 'k1', reason: 'email: holds a control character (U+0007), which no field may hold' });
    const xml = await s.json(['users', 'import', s.file('c.xml', '<users><user><primary_id>x1</primary_id><first_name>A&#x1b;B</first_name></user></users>')]);
    expect(xml.report?.rejections[0]).toMatchObject({ line: 1, primary_id: 'x1', reason: 'first_name: holds a control character (U+001B), which no field may hold' });
  });

  it('decodes numeric character references in XML (M&#252;ller), and only once', async () => {
    const s = await store();
    const f = s.file('sis.xml', '<users><user><primary_id>m1</primary_id><first_name>M</first_name><last_name>M&#252;ller &amp;#233; &lt;x&gt;</last_name></user></users>');
    expect((await s.run(['users', 'import', f])).code).toBe(0);
    expect((await s.show('m1')).last_name).toBe('Müller &#233; <x>');
  });
});

describe('users import: files that are not text', () => {
  it('refuses an xlsx workbook, whatever its name, as a spreadsheet to be saved as CSV (exit 2)', async () => {
    const s = await store();
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Users').addRows([['pk', 'name'], ['0012345', 'Zed']]);
    const xlsx = path.join(s.dir, 'noid.xlsx');
    await wb.xlsx.writeFile(xlsx);
    for (const f of [xlsx, s.file('renamed.csv', fs.readFileSync(xlsx))]) {
      const r = await s.run(['users', 'import', f]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`error: ${f}: is a spreadsheet (xlsx), not CSV`);
      expect(r.stderr).toMatch(/hint: nothing was imported; save it as CSV UTF-8/);
      expect(r.stderr).not.toContain('unknown column');
    }
  });

  it('refuses an xls workbook, UTF-16 text, a binary file and text that is not UTF-8', async () => {
    const s = await store();
    const cases: [string, Buffer, RegExp][] = [
      ['old.xls', Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(64)]), /is a spreadsheet \(Excel 97-2003 xls\), not CSV/],
      ['unicode.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('primary_id\r\nx\r\n', 'utf16le')]), /is UTF-16 text, not UTF-8/],
      ['blob.csv', Buffer.from('primary_id\nab\u0000cd\n'), /is not a text file \(a NUL byte at byte 14\)/],
      ['latin1.csv', Buffer.from('primary_id,last_name\nm1,M\u00fcller\n', 'latin1'), /is not UTF-8 text \(byte 0xFC on line 2\)/],
    ];
    for (const [name, content, message] of cases) {
      const r = await s.run(['users', 'import', s.file(name, content)]);
      expect(r.code, name).toBe(2);
      expect(r.stderr, name).toMatch(message);
    }
    expect(await s.ids()).toEqual(['admin']);
    // A JSON file gets the conversion that fits it, not only Excel's "CSV UTF-8".
    const json = await s.run(['users', 'import', s.file('users.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('[{"primary_id": "x"}]', 'utf16le')]))]);
    expect(json.code).toBe(2);
    expect(json.stderr).toMatch(/JSON or XML: the editor's UTF-8 encoding\), or convert it: iconv -f UTF-16 -t UTF-8 FILE > NEW-FILE/);
  });
});

describe('users import: JSON syntax and shape', () => {
  it('places a JSON syntax error by line and column', async () => {
    const s = await store();
    const r = await s.run(['users', 'import', s.file('bad.json', '[\n  {"primary_id": "a"},\n  {"primary_id": }\n]\n')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("bad.json: not valid JSON at line 3, column 18: Unexpected token '}'");
    expect(r.stderr).not.toMatch(/position/);
    const nd = await s.json(['users', 'import', s.file('bad.ndjson', '{"primary_id": "a", "first_name": "N", "last_name": "N"}\n{"primary_id" "b"}\n')]);
    expect(nd.report?.rejections).toEqual([expect.objectContaining({ line: 2, reason: "not valid JSON at column 15: Expected ':' after property name" })]);
  });

  it('reads a .json NDJSON file whose first line is longer than 4 kB as NDJSON', async () => {
    const s = await store();
    const long = { primary_id: 'long1', first_name: 'N', last_name: 'N', user_note: [{ note_type: { value: 'GENERAL' }, note_text: 'x'.repeat(6000) }] };
    const f = s.file('export.json', `${JSON.stringify(long)}\n${JSON.stringify({ primary_id: 'short2', first_name: 'N', last_name: 'N' })}\n`);
    const r = await s.json(['users', 'import', f]);
    expect(r.code).toBe(0);
    expect(r.report).toMatchObject({ created: 2, files: [{ format: 'alma-json', lines: 2, records: 2 }] });
  });

  it('accepts an empty Alma page as no users (exit 0) and warns of a page that holds part of its result', async () => {
    const s = await store();
    const empty = s.file('empty.json', '{"total_record_count":0}');
    const r = await s.json(['users', 'import', empty]);
    expect(r.code).toBe(0);
    expect(r.report).toMatchObject({ created: 0, rejected: 0, files: [{ records: 0, warnings: [] }] });
    expect(r.stderr).toContain(`no users in ${empty}`);
    const emptyXml = await s.run(['users', 'import', s.file('empty.xml', '<users total_record_count="0"/>')]);
    expect(emptyXml.code).toBe(0);
    const page = s.file('page.json', JSON.stringify({ total_record_count: 250, user: [{ primary_id: 'p1', first_name: 'N', last_name: 'N' }] }));
    const p = await s.json(['users', 'import', page]);
    expect(p.code).toBe(0);
    const warning = `${page} holds 1 of the 250 users of its result (total_record_count): Alma returns at most 100 a page, so fetch every page (offset=0, 100, 200...) and import them all`;
    expect(p.stderr).toContain(`warning: ${warning}`);
    expect(p.report?.files[0]?.warnings).toEqual([warning]);
  });

  it('says an operator is needed, and how to name one, without claiming every command changes the store', async () => {
    const s = await store();
    for (const args of [['set', 'list'], ['users', 'import', s.file('x.csv', 'primary_id\nx\n')]]) {
      const r = await s.run(args, { env: { ALMA_USERS_OPERATOR: undefined } });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('error: this command needs an operator\nhint: name the staff user who acts: --operator ID, or export ALMA_USERS_OPERATOR=ID\n');
    }
  });
});
