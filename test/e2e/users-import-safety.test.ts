import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { userStores } from '../helpers/users.js';

/**
 * `users import` that changes nothing by surprise: the dry run lists every change, roles are
 * removed only when asked, a primary ID given twice is settled by the later record, Alma's
 * own column names are read, and a new user needs Alma's mandatory fields.
 */

const store = userStores();
const FIXTURE = path.join(ROOT, 'fixtures', 'users.csv');

type Shown = { user_role: { role_type: { desc: string }; scope?: { value: string } }[]; job_description?: string; user_group: { value: string } };
const roles = (u: Shown) => u.user_role.map((r) => (r.scope?.value ? `${r.role_type.desc}@${r.scope.value}` : r.role_type.desc));

describe('users import --dry-run', () => {
  it('lists what would change for each user, before -> after, writes all of it to --preview-file (0600), and writes nothing', async () => {
    const s = await store();
    await s.run(['users', 'import', FIXTURE]);
    const f = s.file('changes.csv', 'primary_id,first_name,last_name,user_group,roles\n0012345,Ada,Byron,FACULTY,license-viewer\nnew1,Nia,Ng,GRAD,\n0012346,Grace,Hopper,STAFF,\n');
    const preview = path.join(s.dir, 'preview.csv');
    const r = await s.json(['users', 'import', '--dry-run', '--preview-file', preview, f]);
    expect(r.code).toBe(0);
    expect(r.report).toMatchObject({ dry_run: true, created: 1, updated: 1, unchanged: 1 });
    const samples = r.report!.samples;
    expect(samples[0]).toEqual({
      primary_id: '0012345', outcome: 'update', at: `${f}:2`,
      changes: ['last_name: Lovelace -> Byron', 'user_group: STAFF -> FACULTY', 'roles +license-viewer'],
    });
    expect(samples[1]).toMatchObject({ primary_id: 'new1', outcome: 'create' });
    expect(samples[1]!.changes).toEqual(expect.arrayContaining(['first_name: (empty) -> Nia', 'user_group: (empty) -> GRAD']));
    expect((fs.statSync(preview).mode & 0o777).toString(8)).toBe('600');
    const lines = fs.readFileSync(preview, 'utf8').trim().split('\r\n');
    expect(lines[0]).toBe('primary_id,outcome,changes,record');
    expect(lines[1]).toBe(`0012345,would update,"last_name: Lovelace -> Byron; user_group: STAFF -> FACULTY; roles +license-viewer",${f}:2`);
    expect(lines).toHaveLength(3);
    const table = await s.run(['users', 'import', '--dry-run', f]);
    expect(table.stdout).toMatch(/0012345\s+would update\s+last_name: Lovelace -> Byron; user_group: STAFF -> FACULTY; roles \+license-viewer/);
    expect((await s.show('0012345')).last_name).toBe('Lovelace');
    expect(await s.ids()).not.toContain('new1');
  });

  it('refuses --preview-file without --dry-run (exit 2), before reading anything', async () => {
    const s = await store();
    const r = await s.run(['users', 'import', '--preview-file', path.join(s.dir, 'p.csv'), FIXTURE]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--preview-file goes with --dry-run');
    expect(await s.ids()).toEqual(['admin']);
  });
});

describe('users import: the roles column', () => {
  it("adds the file's roles and keeps the others by default (--roles merge)", async () => {
    const s = await store();
    await s.run(['users', 'import', FIXTURE]);
    const f = s.file('r.csv', 'primary_id,roles\n0012345,license-viewer\n');
    const r = await s.json(['users', 'import', f]);
    expect(r.report).toMatchObject({ updated: 1, roles_removed: 0 });
    expect(roles(await s.show('0012345'))).toEqual(['Patron', 'Cataloger@MAIN', 'License Viewer']);
    expect((await s.json(['users', 'import', f])).report).toMatchObject({ unchanged: 1 });
  });

  it('removes the roles the file does not list only with --roles replace, and counts them', async () => {
    const s = await store();
    await s.run(['users', 'import', FIXTURE]);
    const f = s.file('r.csv', 'primary_id,roles\n0012345,patron;license-viewer\n0012346,patron;cataloger@MAIN\n');
    const dry = await s.json(['users', 'import', '--roles', 'replace', '--dry-run', f]);
    expect(dry.report).toMatchObject({ updated: 1, unchanged: 1, roles_removed: 1 });
    expect(dry.stderr).toContain('1 role would be removed (--roles replace)');
    const r = await s.json(['users', 'import', '--roles', 'REPLACE', f]);
    expect(r.report).toMatchObject({ updated: 1, roles_removed: 1 });
    expect(r.stderr).toContain('1 role were removed');
    expect(roles(await s.show('0012345'))).toEqual(['Patron', 'License Viewer']);
    const history = JSON.parse((await s.run(['--format', 'json', 'users', 'history', '0012345'])).stdout) as { field: string; key?: string; after: unknown }[];
    expect(history).toContainEqual(expect.objectContaining({ field: 'roles', key: 'cataloger@MAIN', after: null }));
    const bad = await s.run(['users', 'import', '--roles', 'sometimes', f]);
    expect(bad.code).toBe(2);
  });

  it('says in --help what the roles column does', async () => {
    const s = await store();
    const help = (await s.run(['users', 'import', '--help'])).stdout;
    expect(help).toMatch(/--roles <mode>\s+what the files' roles do/);
    expect(help).toMatch(/replace \(remove\s+the\s+roles\s+the\s+file\s+does\s+not\s+list\)/);
    expect(help).toContain('a role without a scope (or @INSTITUTION) is institution-wide');
  });
});

describe('users import: the same primary ID twice', () => {
  it('uses the later record, within a file and across files, and names the one it replaced', async () => {
    const s = await store();
    const a = s.file('a.csv', 'primary_id,first_name,last_name,job_description\nd1,Ann,Early,first\nd2,Bo,Early,first\nD1,Ann,Middle,second\n');
    const b = s.file('b.csv', 'primary_id,first_name,last_name\nd1,Ann,Late\n');
    const r = await s.json(['users', 'import', a, b]);
    expect(r.code).toBe(0);
    expect(r.report).toMatchObject({ created: 2, updated: 0, unchanged: 0, rejected: 0, superseded: 2 });
    expect(r.report?.superseded_records).toEqual([
      { primary_id: 'D1', superseded: `${a}:2`, by: `${a}:4` },
      { primary_id: 'd1', superseded: `${a}:4`, by: `${b}:2` },
    ]);
    expect(r.stderr).toContain('2 records were replaced by a later record of the same primary ID');
    // Only the last record counts: the job description of the records it replaced is not kept.
    const u = await s.show('d1');
    expect(u).toMatchObject({ last_name: 'Late' });
    expect(u.job_description ?? '').toBe('');
    expect((await s.run(['users', 'import', a, b])).stdout).toMatch(/D1\s+.*a\.csv:2\s+.*a\.csv:4/);
  });

  it('takes back an earlier record already written in an earlier batch, so the user ends as the later record says', async () => {
    const s = await store();
    await s.run(['users', 'import', s.file('base.csv', 'primary_id,first_name,last_name,job_description\ndup,Dee,Upp,original\n')]);
    const filler = Array.from({ length: 4100 }, (_, i) => `f${i},F,Iller,x`);
    const a = s.file('a.csv', ['primary_id,first_name,last_name,job_description', 'dup,Dee,Early,changed', ...filler].join('\n') + '\n');
    const b = s.file('b.csv', 'primary_id,last_name\ndup,Late\n');
    const r = await s.json(['users', 'import', a, b]);
    expect(r.report).toMatchObject({ created: 4100, updated: 1, superseded: 1 });
    const u = await s.show('dup');
    expect(u).toMatchObject({ last_name: 'Late', job_description: 'original' });
  });

  it('a later record that is rejected replaces nothing: the earlier one stands', async () => {
    const s = await store();
    const r = await s.json(['users', 'import', s.file('x.csv', 'primary_id,first_name,last_name,email\nz1,Zed,Good,z@example.edu\nz1,Zed,Bad,not-an-address\n')]);
    expect(r.report).toMatchObject({ created: 1, rejected: 1, superseded: 0 });
    expect((await s.show('z1')).last_name).toBe('Good');
  });
});

describe("users import: Alma's column names and mandatory fields", () => {
  it("reads an Alma or Analytics export's headers as the fields they name", async () => {
    const s = await store();
    const f = s.file('analytics.csv', [
      'Primary Identifier,First Name,Last Name,User Group,Job Category,Job Title,Expiry Date,Purge Date,Status,User Type,User Record Type,Preferred Email,Campus Code',
      '0077,Ida,Wells,Undergraduate,cataloger,Reader,2028-06-30,2029-06-30,Active,Internal,Public,ida@example.edu,main',
    ].join('\n') + '\n');
    const r = await s.json(['users', 'import', f]);
    expect(r.code, r.stderr).toBe(0);
    const u = await s.show('0077');
    expect(u).toMatchObject({
      primary_id: '0077', first_name: 'Ida', last_name: 'Wells', user_group: { value: 'UNDERGRAD' }, job_category: { value: 'Cataloger' },
      job_description: 'Reader', expiry_date: '2028-06-30Z', status: { value: 'ACTIVE' }, account_type: { value: 'INTERNAL' },
      record_type: { value: 'PUBLIC' }, campus_code: { value: 'MAIN' },
    });
    expect(u.contact_info.email[0].email_address).toBe('ida@example.edu');
  });

  it('refuses a header that names a field twice, by its name and by Alma\'s', async () => {
    const s = await store();
    const r = await s.run(['users', 'import', s.file('twice.csv', 'primary_id,Primary Identifier\n1,1\n')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('column "primary_id" appears twice (as "primary_id" and "Primary Identifier")');
  });

  it('rejects creating a user without First Name or Last Name, saying so; an update may leave them out', async () => {
    const s = await store();
    await s.run(['users', 'import', FIXTURE]);
    const f = s.file('m.csv', 'primary_id,first_name,last_name,job_description\nn1,,Solo,x\nn2,Only,,x\n0012345,,,updated\n');
    const r = await s.json(['users', 'import', f]);
    expect(r.code).toBe(3);
    expect(r.report).toMatchObject({ created: 0, updated: 1, rejected: 2 });
    expect(r.report?.rejections.map((x) => [x.primary_id, x.reason])).toEqual([
      ['n1', "a new user needs Alma's mandatory fields First Name, Last Name and Primary Identifier; missing: First Name (first_name)"],
      ['n2', "a new user needs Alma's mandatory fields First Name, Last Name and Primary Identifier; missing: Last Name (last_name)"],
    ]);
    const partial = await s.json(['users', 'import', s.file('p.csv', 'primary_id,job_description\n0012346,only this\n')]);
    expect(partial.report).toMatchObject({ updated: 1, rejected: 0 });
  });
});
