import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { sisXml, syncStores } from '../helpers/sync.js';
import { zipOf } from '../helpers/zip.js';

/**
 * `users sync` input: SIS XML, a .zip of SIS XML files (the one in fixtures/sis was made by
 * the zip program, see its README), CSV and Alma JSON through the readers of users import;
 * and archives that would not end well, refused with exit 2 before anything is written.
 */

const store = syncStores();
const SIS = path.join(ROOT, 'fixtures', 'sis');

const xml = (id: string) => Buffer.from(sisXml([{ id, first: 'Zed', last: 'Zip', group: 'UNDERGRAD' }]));

describe('users sync: a .zip of SIS XML files', () => {
  it('loads every XML file of the archive made by zip (fixtures/sis/students.zip), naming each in the report', async () => {
    const s = await store();
    const r = await s.sync(path.join(SIS, 'students.zip'), '--profile', 'STUDENTS');
    expect(r.code, r.stderr).toBe(0);
    expect(r.report).toMatchObject({ records: 3, created: 3, rejected: 0 });
    expect(await s.ids()).toEqual(['admin', 't2000001', 't2000002', 't2000003']);
    expect(await s.user('t2000002')).toMatchObject({ last_name: 'de Vries', preferred_language: { value: 'nl' }, external_id: 'STUDENTS' });
    const again = await s.sync(path.join(SIS, 'students.zip'), '--profile', 'STUDENTS');
    expect(again.report).toMatchObject({ unchanged: 3 });
  });

  it('names the archive and the file inside it where a record is rejected', async () => {
    const s = await store();
    const f = s.file('bad.zip', zipOf([{ name: 'a.xml', data: xml('z1') }, { name: 'b.xml', data: Buffer.from(sisXml([{ id: 'z2', group: 'NOPE' }])), deflate: true }]));
    const r = await s.sync(f, '--profile', 'STUDENTS');
    expect(r.code).toBe(3);
    expect(r.report!.rejections).toMatchObject([{ file: `${f}:b.xml`, primary_id: 'z2' }]);
    expect(await s.ids()).toEqual(['admin', 'z1']);
  });

  const hostile: [string, () => Buffer, RegExp][] = [
    ['a path that climbs out (../)', () => zipOf([{ name: '../evil.xml', data: xml('z1') }]), /invalid relative path: \.\.\/evil\.xml/],
    ['an absolute path', () => zipOf([{ name: '/etc/evil.xml', data: xml('z1') }]), /absolute path: \/etc\/evil\.xml/],
    ['a zip inside the zip', () => zipOf([{ name: 'a.xml', data: xml('z1') }, { name: 'inner.zip', data: zipOf([{ name: 'b.xml', data: xml('z2') }]) }]), /inner\.zip: is an archive inside the archive/],
    ['a bomb (40 MB of zeros packed into kilobytes)', () => zipOf([{ name: 'a.xml', data: Buffer.alloc(40 * 1024 * 1024), deflate: true }]), /a\.xml: unpacks to 41943040 bytes, more than 33554432 a file/],
    ['a bomb that packs 2000 to one under the size limit', () => zipOf([{ name: 'a.xml', data: Buffer.alloc(8 * 1024 * 1024, 32), deflate: true }]), /a\.xml: unpacks to \d+ times its packed size/],
    ['a file that lies about its size', () => zipOf([{ name: 'a.xml', data: xml('z1'), claimedSize: 10 }]), /bad\.zip/],
    ['a file that is not XML', () => zipOf([{ name: 'a.xml', data: xml('z1') }, { name: 'notes.txt', data: Buffer.from('hello') }]), /notes\.txt: is not an XML file/],
    ['an XML file that is not well-formed', () => zipOf([{ name: 'a.xml', data: xml('z1') }, { name: 'b.xml', data: Buffer.from('<users><user>') }]), /b\.xml.*not well-formed XML/],
    ['an archive of nothing', () => zipOf([]), /holds no \.xml file/],
    ['a truncated archive', () => zipOf([{ name: 'a.xml', data: xml('z1') }]).subarray(0, 40), /not a readable zip archive/],
  ];
  for (const [what, make, message] of hostile) {
    it(`refuses ${what} with exit 2, a sentence and nothing written`, async () => {
      const s = await store();
      const r = await s.sync(s.file('bad.zip', make()), '--profile', 'STUDENTS');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(await s.ids()).toEqual(['admin']);
      expect(JSON.parse((await s.run(['job', 'list', '--format', 'json'])).stdout)).toEqual([]);
    });
  }

  it('skips the folders and Finder files a zip program adds', async () => {
    const s = await store();
    const f = s.file('mac.zip', zipOf([{ name: 'export/', data: Buffer.alloc(0) }, { name: 'export/a.xml', data: xml('z1') }, { name: '__MACOSX/export/._a.xml', data: Buffer.from([0, 5, 22, 7]) }]));
    const r = await s.sync(f, '--profile', 'STUDENTS');
    expect(r.code).toBe(0);
    expect(r.report).toMatchObject({ created: 1 });
  });
});

describe('users sync: CSV and Alma JSON, read as users import reads them', () => {
  it('takes a CSV whose email and barcode columns become External entries', async () => {
    const s = await store();
    const f = s.file('sis.csv', 'primary_id,first_name,last_name,user_group,email,barcode\nc1,Cas,Cole,GRAD,cas@example.edu,C1\n');
    const r = await s.sync(f, '--profile', 'STUDENTS');
    expect(r.code).toBe(0);
    const u = await s.user('c1');
    expect(u.contact_info.email).toMatchObject([{ email_address: 'cas@example.edu', preferred: true, segment_type: 'External' }]);
    expect(u.user_identifier).toMatchObject([{ value: 'C1', segment_type: 'External' }]);
  });

  it('takes Alma JSON (NDJSON)', async () => {
    const s = await store();
    const f = s.file('sis.ndjson', `${JSON.stringify({ primary_id: 'j1', first_name: 'Jo', last_name: 'Jay', user_group: { value: 'GRAD' } })}\n${JSON.stringify({ primary_id: 'j2', last_name: 'Kay' })}\n`);
    const r = await s.sync(f, '--profile', 'STUDENTS');
    expect(r.code).toBe(0);
    expect(r.report).toMatchObject({ created: 2 });
    expect(await s.user('j1')).toMatchObject({ user_group: { value: 'GRAD' }, account_type: { value: 'EXTERNAL' } });
  });

  it('users import says in its help that it keeps what a record leaves empty, unlike users sync', async () => {
    const s = await store();
    const r = await s.run(['users', 'import', '--help']);
    expect(r.stdout).toMatch(/users sync/);
  });

  it('the fixtures README says how the archive was made', () => {
    expect(fs.readFileSync(path.join(SIS, 'README.md'), 'utf8')).toContain('zip -X -D ../students.zip students-a.xml students-b.xml');
  });
});
