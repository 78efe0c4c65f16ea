import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { userStores } from '../helpers/users.js';

/**
 * Codes as people type them, everywhere: in import files, job actions and list filters, a
 * code is matched ignoring case, Alma's description is accepted where it names one code, the
 * stored value is the table's code, and an unknown one gets "did you mean" and a `codes add`
 * command that runs when pasted. A role without a scope, @INSTITUTION or @<institution.code>, is institution-wide.
 */

const store = userStores();
const FIXTURE = path.join(ROOT, 'fixtures', 'users.csv');

type Role = { role_type: { value: string; desc: string }; scope?: { value: string } };
const roles = (u: { user_role: Role[] }) => u.user_role.map((r) => (r.scope?.value ? `${r.role_type.desc}@${r.scope.value}` : r.role_type.desc));

/** The words a POSIX shell makes of a command line, as a pasted hint would run. */
function shellWords(line: string): string[] {
  return execFileSync('sh', ['-c', `for w in ${line}; do printf '%s\\0' "$w"; done`]).toString().split('\0').slice(0, -1);
}

describe('codes in import files', () => {
  it('stores the code as the table has it, whatever case or description the file gives', async () => {
    const s = await store();
    const f = s.file('c.csv', 'primary_id,first_name,last_name,user_group,job_category,campus_code,roles\nc1,Cy,Coe,undergraduate,CATALOGER,main,License Viewer;cataloger@main;Patron@institution\n');
    const r = await s.json(['users', 'import', f]);
    expect(r.code, r.stderr).toBe(0);
    const u = await s.show('c1');
    expect(u).toMatchObject({ user_group: { value: 'UNDERGRAD' }, job_category: { value: 'Cataloger' }, campus_code: { value: 'MAIN' } });
    expect(roles(u)).toEqual(['License Viewer', 'Cataloger@MAIN', 'Patron']);
    expect((await s.json(['users', 'import', f])).report).toMatchObject({ unchanged: 1 });
  });

  it('names the closest codes for an unknown one, and its codes add hint runs as pasted', async () => {
    const s = await store();
    const r = await s.json(['users', 'import', s.file('u.csv', "primary_id,first_name,last_name,user_group,roles\nu1,Ub,Uh,Visiting Scholar's,licence-viewer\n")]);
    expect(r.code).toBe(3);
    const reason = r.report!.rejections[0]!.reason;
    expect(reason).toContain('unknown role code "licence-viewer" (did you mean "license-viewer"?)');
    const hint = /add it with `(alma-users codes add user_group [^`]+)`/.exec(reason)![1]!;
    expect(hint).toBe(`alma-users codes add user_group 'Visiting Scholar'\\''s'`);
    const [, ...args] = shellWords(hint);
    expect((await s.run(args)).code).toBe(0);
    const codes = JSON.parse((await s.run(['codes', 'list', 'user_group', '--format', 'json'])).stdout) as { code: string }[];
    expect(codes.map((c) => c.code)).toContain("Visiting Scholar's");
  });

  it('refuses a value that could mean two codes, even with --add-missing-codes', async () => {
    const s = await store();
    await s.run(['codes', 'add', 'user_group', 'UG2', 'Undergraduate']);
    const r = await s.json(['users', 'import', '--add-missing-codes', s.file('a.csv', 'primary_id,first_name,last_name,user_group\na1,A,B,Undergraduate\n')]);
    expect(r.code).toBe(3);
    expect(r.report?.rejections[0]!.reason).toBe('user_group "Undergraduate" could mean "UG2" (Undergraduate) or "UNDERGRAD" (Undergraduate); give the code');
    expect(r.report?.codes_added).toEqual([]);
  });

  it('reads a role scoped to the configured institution code as institution-wide', async () => {
    const s = await store();
    expect((await s.run(['config', 'set', 'institution.code', '01TEST_INST'])).code).toBe(0);
    await s.run(['users', 'import', s.file('i.csv', 'primary_id,first_name,last_name,roles\ni1,I,J,cataloger@01test_inst\n')]);
    expect(roles(await s.show('i1'))).toEqual(['Cataloger']);
  });
});

describe('codes on the command line', () => {
  it('job run: codes in any case and descriptions resolve; @INSTITUTION adds an institution-wide role', async () => {
    const s = await store();
    await s.run(['users', 'import', FIXTURE]);
    await s.run(['set', 'create', 'one', '--from-file', s.file('ids.txt', 'f2000001\n')]);
    const r = await s.run(['job', 'run', 'update-notify', '--set', 'one', '--user-group', 'graduate', '--campus', 'main', '--add-role', 'License Viewer',
      '--add-role', 'cataloger@INSTITUTION', '--add-role', 'requests-operator@main', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    const u = await s.show('f2000001');
    expect(u.user_group.value).toBe('GRAD');
    expect(roles(u)).toEqual(['Patron', 'License Viewer', 'Cataloger', 'Requests Operator@MAIN']);
  });

  it('job run: an unknown code is refused with the closest codes and a hint that runs (exit 2)', async () => {
    const s = await store();
    await s.run(['users', 'import', FIXTURE]);
    await s.run(['set', 'create', 'one', '--from-file', s.file('ids.txt', 'f2000001\n')]);
    const r = await s.run(['job', 'run', 'update-notify', '--set', 'one', '--add-role', 'licence-viewer', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--add-role: unknown role code "licence-viewer" (did you mean "license-viewer"?)');
    const scope = await s.run(['job', 'run', 'update-notify', '--set', 'one', '--remove-role', 'cataloger@INSTITUTION', '--yes']);
    expect(scope.code).toBe(2);
    expect(scope.stderr).toContain('removing only the institution-wide cataloger');
    const spaced = await s.run(['job', 'run', 'update-notify', '--set', 'one', '--user-group', 'Day Visitor', '--yes']);
    expect(spaced.stderr).toContain("alma-users codes add user_group 'Day Visitor'");
  });

  it('users list: --job-category cataloger finds the Cataloger users; an unknown group is refused with the closest', async () => {
    const s = await store();
    await s.run(['users', 'import', FIXTURE]);
    const found = JSON.parse((await s.run(['users', 'list', '--job-category', 'cataloger', '--format', 'json'])).stdout) as { primary_id: string }[];
    expect(found.map((u) => u.primary_id)).toEqual(['0012345', '0012346', '0012347', '0012350', '0012351']);
    const byDescription = JSON.parse((await s.run(['users', 'list', '--user-group', 'Undergraduate', '--format', 'json'])).stdout) as { primary_id: string }[];
    expect(byDescription.map((u) => u.primary_id)).toEqual(['s1000001', 's1000004']);
    const typo = await s.run(['users', 'list', '--user-group', 'staf']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('--user-group: unknown user_group code "staf" (did you mean "STAFF"?)');
  });
});
