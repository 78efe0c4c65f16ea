import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { userStores } from '../helpers/users.js';

/** `users import` of CSV files: what loads, what is rejected and why, who may import. */

const store = userStores();

const FIXTURE = path.join(ROOT, 'fixtures', 'users.csv');
const HEADER = 'primary_id,first_name,last_name,email,user_group,roles';

describe('users import: CSV', () => {
  it('loads the fixture, keeps leading zeros, and a rerun changes nothing', async () => {
    const s = await store();
    const first = await s.json(['users', 'import', FIXTURE]);
    expect(first.code).toBe(0);
    expect(first.report).toMatchObject({ created: 15, updated: 0, unchanged: 0, rejected: 0, dry_run: false });
    expect(first.stderr).toContain('imported: 15 created');
    const again = await s.json(['users', 'import', FIXTURE]);
    expect(again.report).toMatchObject({ created: 0, updated: 0, unchanged: 15, rejected: 0 });
    const list = await s.run(['users', 'list', '--format', 'csv']);
    expect(list.stdout).toMatch(/^0012345,/m);
    const shown = await s.show('0012345');
    expect(shown.primary_id).toBe('0012345');
    expect(shown.user_identifier[0].value).toBe('B0012345');
    expect(shown.user_role.map((r: { role_type: { value: string } }) => r.role_type.value)).toEqual(['200', '204']);
    expect(shown.user_role[1].scope.value).toBe('MAIN');
  });

  it('reads ; as delimiter with a byte-order mark and CRLF, as Excel saves it', async () => {
    const s = await store();
    const f = s.file('excel.csv', Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('primary_id;first_name;last_name;email;roles\r\n00042;Zoë;"Smith; Jr";müller@example.de;"patron;cataloger@MAIN"\r\n', 'utf8'),
    ]));
    const r = await s.json(['users', 'import', f]);
    expect(r.code).toBe(0);
    expect(r.report?.created).toBe(1);
    const u = await s.show('00042');
    expect(u).toMatchObject({ primary_id: '00042', first_name: 'Zoë', last_name: 'Smith; Jr' });
    expect(u.contact_info.email[0].email_address).toBe('müller@example.de');
    expect(u.user_role).toHaveLength(2);
  });

  it('matches primary IDs case-insensitively and reports an update', async () => {
    const s = await store();
    await s.run(['users', 'import', s.file('a.csv', `${HEADER}\nAbC01,Ann,Lee,ann@example.edu,GRAD,patron\n`)]);
    const r = await s.json(['users', 'import', s.file('b.csv', `${HEADER}\nabc01,Ann,Leigh,ann@example.edu,GRAD,patron\n`)]);
    expect(r.report).toMatchObject({ created: 0, updated: 1 });
    const u = await s.show('ABC01');
    expect(u).toMatchObject({ primary_id: 'AbC01', last_name: 'Leigh' });
  });

  it('leaves fields whose column the file lacks as they were, and clears those given empty', async () => {
    const s = await store();
    await s.run(['users', 'import', FIXTURE]);
    const r = await s.json(['users', 'import', s.file('p.csv', 'primary_id,job_description\n0012345,\n')]);
    expect(r.report?.updated).toBe(1);
    const u = await s.show('0012345');
    expect(u.job_description).toBe('');
    expect(u.last_name).toBe('Lovelace');
    expect(u.contact_info.email[0].email_address).toBe('ada.lovelace@example.edu');
  });

  it('reads ="0012345", the way exports keep leading zeros for Excel, as 0012345 in any column; a value merely starting with = stays as it is', async () => {
    const s = await store();
    const f = s.file('eq.csv', 'primary_id,first_name,last_name,barcode,job_description\n="0099600",A,="B",="000123",=SUM(A1)\n="0099601",C,D,,"=""x"" and ""y"""\n');
    const r = await s.run(['users', 'import', f]);
    expect(r.code, r.stderr).toBe(0);
    expect(await s.ids()).toEqual(['0099600', '0099601', 'admin']);
    const u = JSON.parse((await s.run(['users', 'show', '0099600', '--format', 'json'])).stdout) as { last_name: string; job_description: string; user_identifier: { value: string }[] };
    expect([u.last_name, u.user_identifier.map((i) => i.value), u.job_description]).toEqual(['B', ['000123'], '=SUM(A1)']);
    const v = JSON.parse((await s.run(['users', 'show', '0099601', '--format', 'json'])).stdout) as { job_description: string };
    expect(v.job_description).toBe('="x" and "y"');
  });

  it('lists rejections in file order, whether the reader or the import refused the row, each naming its value', async () => {
    const s = await store();
    const f = s.file('order.csv', 'primary_id,first_name,last_name,user_group,expiry_date\nr1,A,B,GRAD,\nr2,A,B,WIZARD,\nr3,A,B,GRAD,2026-02-30\nr4,A,B,GRAD,\nr5,A,B,NOPE,\nr6,A,B,GRAD,bad\n');
    const r = await s.run(['users', 'import', f, '--format', 'json']);
    expect(r.code).toBe(3);
    const rep = JSON.parse(r.stdout) as { created: number; rejections: { line: number; primary_id: string; reason: string }[] };
    expect(rep.created).toBe(2);
    expect(rep.rejections.map((x) => [x.line, x.primary_id])).toEqual([[3, 'r2'], [4, 'r3'], [6, 'r5'], [7, 'r6']]);
    // A date of the right form that is no day names the value, as one of the wrong form does.
    expect(rep.rejections[1]!.reason).toBe('expiry_date: "2026-02-30" is not a date: expected YYYY-MM-DD, a day that exists, from 1900-01-01 to 9999-12-31');
  });

  it('lists the first 10,000 rejections in file order when there are more, and counts the rest', async () => {
    const s = await store();
    const rows = Array.from({ length: 10_000 }, (_, i) => `u${i},A,B,NOPE,`);
    // Refused by the reader as they are read, before the rows above them are written.
    const late = Array.from({ length: 10 }, (_, i) => `late${i},A,B,GRAD,bad`);
    const r = await s.run(['users', 'import', s.file('many.csv', ['primary_id,first_name,last_name,user_group,expiry_date', ...rows, ...late].join('\n')), '--format', 'json']);
    expect(r.code).toBe(3);
    const rep = JSON.parse(r.stdout) as { rejected: number; rejections_not_listed: number; rejections: { line: number }[] };
    expect([rep.rejected, rep.rejections.length, rep.rejections_not_listed]).toEqual([10_010, 10_000, 10]);
    expect(rep.rejections.map((x) => x.line)).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 2));
  });

  it('stops on an unknown column before writing anything, naming the valid columns (exit 2)', async () => {
    const s = await store();
    const good = s.file('good.csv', `${HEADER}\n1,A,B,a@example.edu,GRAD,patron\n`);
    const bad = s.file('bad.csv', 'primary_id,first_name,shoe_size\n2,B,44\n');
    const r = await s.run(['users', 'import', good, bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad.csv:1: unknown column "shoe_size"');
    expect(r.stderr).toMatch(/valid columns: primary_id, record_type, .*barcode.*roles/);
    expect(await s.ids()).toEqual(['admin']);
    // A file with no line break at all is one header: its "column" is named cut, not echoed for megabytes.
    const oneLine = await s.run(['users', 'import', s.file('one-line.csv', 'A'.repeat(1_000_000))]);
    expect(oneLine.code).toBe(2);
    expect(oneLine.stderr).toContain(`one-line.csv:1: unknown column "${'a'.repeat(59)}…"`);
    expect(oneLine.stderr.length).toBeLessThan(2000);
    // A header cell without a name is named by its place; at the end, most often a stray delimiter.
    const trailing = await s.run(['users', 'import', s.file('trailing.csv', 'primary_id,first_name,last_name,\n3,C,D,\n')]);
    expect(trailing.code).toBe(2);
    expect(trailing.stderr).toContain('trailing.csv:1: unknown column "" (column 4 has no name: is there a delimiter at the end of the header line?)');
  });

  it('rejects a user with an unknown code, naming the code and the command that adds it (exit 3)', async () => {
    const s = await store();
    const f = s.file('codes.csv', `${HEADER}\n1,A,B,a@example.edu,VISITOR,patron\n2,C,D,c@example.edu,GRAD,patron\n`);
    const r = await s.json(['users', 'import', f]);
    expect(r.code).toBe(3);
    expect(r.report).toMatchObject({ created: 1, rejected: 1 });
    expect(r.report?.rejections[0]).toMatchObject({ line: 2, record: 1, primary_id: '1' });
    expect(r.report?.rejections[0]!.reason).toContain('unknown user_group code "VISITOR": add it with `alma-users codes add user_group VISITOR`');
    expect(r.report?.rejections[0]!.reason).toContain('--add-missing-codes');
    const table = await s.run(['users', 'import', f]);
    expect(table.stdout).toMatch(/codes\.csv:2\s+1\s+unknown user_group code "VISITOR"/);

    const added = await s.json(['users', 'import', '--add-missing-codes', f]);
    expect(added.code).toBe(0);
    expect(added.report).toMatchObject({ created: 1, unchanged: 1, rejected: 0 });
    expect(added.report?.codes_added).toEqual([{ table: 'user_group', code: 'VISITOR', description: null }]);
    const codes = JSON.parse((await s.run(['codes', 'list', 'user_group', '--format', 'json'])).stdout);
    expect(codes.map((c: { code: string }) => c.code)).toContain('VISITOR');
  });

  it('rejects bad rows with their line and reason and loads the rest', async () => {
    const s = await store();
    const f = s.file('mixed.csv', [
      'primary_id,first_name,last_name,email,expiry_date,status',
      '1,Ann,A,ann@example.edu,2027-02-30,ACTIVE',
      '2,"Two, Jr",B,two@example.edu,2027-02-28,active',
      '3,Bob,C,not-an-address,2027-01-01,ACTIVE',
      '4,Cy,D,cy@example.edu,,RETIRED',
      '5,Di,E,di@example.edu,2027-01-01',
      '2,Again,F,again@example.edu,,ACTIVE',
      ',NoId,G,x@example.edu,,',
      '6,Ed,H,ed@example.edu,2027-01-01Z,ACTIVE',
    ].join('\n') + '\n');
    const r = await s.json(['users', 'import', f]);
    expect(r.code).toBe(3);
    expect(r.report).toMatchObject({ created: 2, rejected: 5, superseded: 1 });
    const byLine = Object.fromEntries(r.report!.rejections.map((x) => [x.line, x.reason]));
    expect(byLine[2]).toBe('expiry_date: "2027-02-30" is not a date: expected YYYY-MM-DD, a day that exists, from 1900-01-01 to 9999-12-31');
    expect(byLine[4]).toMatch(/emails\[1\]\.address: not an e-mail address/);
    expect(byLine[5]).toMatch(/status/);
    expect(byLine[6]).toMatch(/the row has 5 fields, the header 6/);
    // The same primary ID again: the later record is used (see users-import-safety.test.ts).
    expect(byLine[7]).toBeUndefined();
    expect(r.report?.superseded_records).toEqual([{ primary_id: '2', superseded: `${f}:3`, by: `${f}:7` }]);
    expect(byLine[8]).toMatch(/primary_id is empty/);
  });

  it('writes nothing on --dry-run but reports the same', async () => {
    const s = await store();
    const r = await s.json(['users', 'import', '--dry-run', '--add-missing-codes', FIXTURE]);
    expect(r.code).toBe(0);
    expect(r.report).toMatchObject({ dry_run: true, created: 15 });
    expect(r.stderr).toContain('dry run, nothing was written');
    expect(await s.ids()).toEqual(['admin']);
  });

  it('round-trips formula-like values through export and import', async () => {
    const s = await store();
    const f = s.file('f.csv', 'primary_id,first_name,last_name,phone\n7,=HYPERLINK("x"),@risk,+1 555 0101\n');
    expect((await s.run(['users', 'import', f])).code).toBe(0);
    const exported = (await s.run(['users', 'export', '--to', 'csv'])).stdout;
    expect(exported).toContain(`"'=HYPERLINK(""x"")"`);
    expect(exported).toContain("'@risk");
    const again = s.file('again.csv', exported);
    const r = await s.json(['users', 'import', again]);
    expect(r.report).toMatchObject({ unchanged: 2, updated: 0, rejected: 0 });
    const u = await s.show('7');
    expect(u).toMatchObject({ first_name: '=HYPERLINK("x")', last_name: '@risk' });
    expect(u.contact_info.phone[0].phone_number).toBe('+1 555 0101');
  });

  it('stores a password from the file only as an scrypt hash and never shows it', async () => {
    const s = await store();
    const f = s.file('pw.json', JSON.stringify({ primary_id: 'pw1', first_name: 'P', last_name: 'W', password: 'S3cret-Pass', force_password_change: 'TRUE' }));
    const r = await s.run(['users', 'import', f]);
    expect(r.code).toBe(0);
    // No command shows a hash, so the store's files are read: the hash is there, the password nowhere.
    const stored = ['', '-wal'].map((x) => `${s.db}${x}`).filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f).toString('latin1')).join('');
    expect(stored).toContain('scrypt$');
    expect(stored).not.toContain('S3cret-Pass');
    expect((await s.run(['users', 'show', 'pw1'])).stdout).toMatch(/^Password\tset$/m);
    const shown = await s.run(['users', 'show', 'pw1', '--format', 'json']);
    expect(shown.stdout).not.toContain('password"');
    expect(JSON.parse(shown.stdout).force_password_change).toBe('true');
    expect((await s.run(['users', 'export'])).stdout).not.toMatch(/scrypt|S3cret/);
    // The same password again leaves the user unchanged; another one is a reset, recorded without its value.
    expect((await s.json(['users', 'import', f])).report?.unchanged).toBe(1);
    const other = s.file('pw2.json', JSON.stringify({ primary_id: 'pw1', password: 'An0ther-Pass', force_password_change: 'TRUE' }));
    expect((await s.json(['users', 'import', other])).report?.updated).toBe(1);
    const history = await s.run(['--format', 'json', 'users', 'history', 'pw1']);
    expect(JSON.parse(history.stdout)).toEqual([expect.objectContaining({ field: 'password', before: null, after: 'reset' })]);
    expect(history.stdout).not.toMatch(/scrypt|Pass/);
  });
});

describe('users import: who may', () => {
  it('needs an operator (exit 2), and --add-missing-codes needs a User Administrator (exit 4)', async () => {
    const s = await store();
    const none = await s.run(['users', 'import', FIXTURE], { env: { ALMA_USERS_OPERATOR: '' } });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--operator ID');
    const mgr = s.file('mgr.csv', 'primary_id,first_name,last_name,record_type,roles\nmgr,Uma,Manager,STAFF,user-manager\n');
    expect((await s.run(['users', 'import', mgr])).code).toBe(0);
    const codes = await s.run(['--operator', 'mgr', 'users', 'import', '--add-missing-codes', FIXTURE]);
    expect(codes.code).toBe(4);
    expect(codes.stderr).toContain('User Administrator');
    expect(await s.ids()).toEqual(['admin', 'mgr']);
  });

  it('lets a User Manager load patrons but not change a restricted account', async () => {
    const s = await store();
    await s.run(['users', 'import', s.file('mgr.csv', 'primary_id,first_name,last_name,record_type,roles\nmgr,Uma,Manager,STAFF,user-manager\nboss,Bo,Boss,STAFF,user-administrator\n')]);
    const f = s.file('m.csv', 'primary_id,first_name,last_name\npatron1,Pat,Ron\nboss,Changed,Boss\n');
    const r = await s.json(['--operator', 'mgr', 'users', 'import', f]);
    expect(r.code).toBe(3);
    expect(r.report).toMatchObject({ created: 1, rejected: 1 });
    expect(r.report?.rejections[0]).toMatchObject({ primary_id: 'boss' });
    expect(r.report?.rejections[0]!.reason).toContain('only a User Administrator');
  });
});
