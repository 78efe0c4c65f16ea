import { describe, expect, it } from 'vitest';
import { tempStores } from '../helpers/cli.js';

const store = tempStores();

describe('users history of imports', () => {
  it('records what an import changed, field by field and role by role, and nothing for an unchanged user', async () => {
    const s = await store();
    const first = s.file('first.csv', 'primary_id,first_name,last_name,user_group,roles\n0042,Ada,Lovelace,STAFF,patron\n0043,Alan,Turing,STAFF,patron\n');
    const second = s.file('second.csv', 'primary_id,first_name,last_name,user_group,roles\n0042,Ada,Lovelace,FACULTY,patron;cataloger@MAIN\n0043,Alan,Turing,STAFF,patron\n');
    expect((await s.run(['users', 'import', first])).code).toBe(0);
    expect((await s.run(['users', 'import', second])).code).toBe(0);

    const r = await s.run(['--format', 'json', 'users', 'history', '0042']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { job: string; operator: string; reason: string; field: string; key: string | null; before: unknown; after: unknown }[];
    expect(rows).toEqual([
      expect.objectContaining({ job: 'import', operator: 'admin', reason: `users import ${second}`, field: 'user_group', before: 'STAFF', after: 'FACULTY' }),
      expect.objectContaining({ job: 'import', field: 'roles', key: 'cataloger@MAIN', before: null }),
    ]);

    const unchanged = await s.run(['--format', 'json', 'users', 'history', '0043']);
    expect(JSON.parse(unchanged.stdout)).toEqual([]);
  });

  it('makes a later import a conflict for job undo', async () => {
    const s = await store();
    await s.run(['users', 'import', s.file('a.csv', 'primary_id,first_name,last_name,user_group\n0042,Ada,Lovelace,STAFF\n')]);
    await s.run(['set', 'create', 'one', '--from-file', s.file('ids.txt', '0042\n')]);
    const job = JSON.parse((await s.run(['--format', 'json', 'job', 'run', 'update-notify', '--set', 'one', '--user-group', 'FACULTY', '--yes'])).stdout) as { id: string };
    const later = s.file('b.csv', 'primary_id,last_name,user_group\n0042,Lovelace,GRAD\n');
    await s.run(['users', 'import', later]);

    const undo = await s.run(['--format', 'json', 'job', 'undo', job.id, '--yes']);
    expect(undo.code).toBe(3);
    // The conflict names the import that changed the field again, who ran it, and the way to overwrite.
    const issues = (JSON.parse(undo.stdout) as { issues: unknown[] }).issues;
    expect(issues).toEqual([{
      severity: 'warning', code: 'conflict', users: 1,
      message: `conflict: user_group: STAFF -> FACULTY was changed again by users import ${later} (by admin); ` +
        `left as it is (to put it back anyway: alma-users job undo ${job.id} --force)`,
    }]);
    const shown = JSON.parse((await s.run(['--format', 'json', 'users', 'show', '0042'])).stdout) as { user_group: { value: string } };
    expect(shown.user_group.value).toBe('GRAD');
  });
});
