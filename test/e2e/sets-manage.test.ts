import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { addUsers, jsonOf as json, setStore, userManager } from '../helpers/sets-users.js';

/**
 * Logical sets and the query language from the command line; who may see and change
 * which set; rename, delete (refused while a job holds the set), combine and itemize.
 */

const s = setStore([
  userManager('uma'),
  userManager('max'),
  { primary_id: 'pat', record_type: 'STAFF', roles: [{ role: 'patron' }] },
  { primary_id: '0001', user_group: 'FACULTY', job_category: 'Cataloger', expiry_date: '2026-06-30', roles: [{ role: 'cataloger', scope: 'MAIN' }] },
  { primary_id: '0002', user_group: 'STAFF', job_category: 'Cataloger', expiry_date: '2030-01-01', roles: [{ role: 'cataloger', scope: 'SCIENCE' }] },
  { primary_id: '0003', user_group: 'FACULTY', expiry_date: '2026-12-31', emails: [{ address: 'müller@example.de' }] },
  { primary_id: '0004', user_group: 'UNDERGRAD' },
]);

const as = (operator: string) => ({ env: { ALMA_USERS_OPERATOR: operator } });

/** A set as `set show`, `set create` and `set list` print it with --format json. */
interface SetJson {
  id: string;
  name: string;
  kind: 'itemized' | 'logical';
  owner: string;
  public: boolean;
  query: string | null;
  members: number | null;
  updated_by: string;
  /** set show only: the Pending or Running job holding the set. */
  held_by_job?: { id: string; type: string; status: string } | null;
}

/** A user as `users list` and `set members` print it with --format json (the fields these tests read). */
interface UserRow {
  primary_id: string;
}

const memberIds = (set: string, operator = 'admin') => s.memberIds(set, as(operator));

/** An ID file of these lines in the store's folder. */
const ids = (file: string, lines: string[]) => s.file(file, lines.join('\n') + '\n');

describe('logical sets and the query language', () => {
  it('saves a query and evaluates it when the set is used', async () => {
    const q = 'job_category = "Cataloger" AND user_group IN ("FACULTY", "STAFF") AND expiry_date < 2027-01-01';
    const r = await s.run(['set', 'create', 'cat-expiring', '--query', q, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(json<SetJson>(r)).toMatchObject({ name: 'cat-expiring', kind: 'logical', query: q, members: 1, public: false });
    expect(await memberIds('cat-expiring')).toEqual(['0001']);
    // A user loaded later is a member the next time the set is used.
    addUsers(s.db, [{ primary_id: '0005', user_group: 'STAFF', job_category: 'Cataloger', expiry_date: '2026-01-01' }]);
    expect(await memberIds('cat-expiring')).toEqual(['0001', '0005']);
    const show = await s.run(['set', 'show', 'cat-expiring']);
    expect(show.stdout).toMatch(/Members\s+2 \(evaluated now\)/);
    expect(show.stdout).toMatch(/Type\s+logical/);
    expect(show.stdout).toContain(q);
    expect(show.stdout).toMatch(/Created\s+\d{4}-/);
  });

  it('refuses a bad query with its position shown under it (exit 2), and makes no set', async () => {
    const r = await s.run(['set', 'create', 'broken', '--query', 'user_group = "FACULTY" AND expiry < today']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: query: unknown field expiry (at position 28)');
    expect(r.stderr).toContain('\n  user_group = "FACULTY" AND expiry < today\n                             ^^^^^^\n');
    expect(r.stderr).toContain('hint: fields: primary_id');
    expect((await s.run(['set', 'show', 'broken'])).code).toBe(2);
  });

  it('warns about a code value that no code table holds, naming the right one', async () => {
    const r = await s.run(['set', 'create', 'typo', '--query', 'user_group = "faculty"']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: user_group "faculty" is not in the user_group code table, so it matches no one; did you mean "FACULTY"?');
  });

  it('users list --query uses the same language: roles with scope, relative dates, e-mail', async () => {
    const scoped = await s.run(['users', 'list', '--query', 'role = "cataloger@SCIENCE"', '--format', 'json']);
    expect(scoped.code, scoped.stderr).toBe(0);
    expect(json<UserRow[]>(scoped).map((u) => u.primary_id)).toEqual(['0002']);
    const email = await s.run(['users', 'list', '--query', 'email CONTAINS "example.de" OR expiry_date > today + 3y', '--format', 'json']);
    expect(json<UserRow[]>(email).map((u) => u.primary_id)).toEqual(['0002', '0003']);
    const bad = await s.run(['users', 'list', '--query', 'role < "x"']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('< does not apply to role');
  });

  it('IN and NOT IN ignore case on text fields, as = does', async () => {
    addUsers(s.db, [
      { primary_id: 'n-hedy', first_name: 'Hedy', last_name: 'Lamarr' },
      { primary_id: 'n-grace', first_name: 'Grace', last_name: 'Hopper' },
    ]);
    const listed = async (query: string) => {
      const r = await s.run(['users', 'list', '--query', query, '--format', 'json']);
      expect(r.code, r.stderr).toBe(0);
      return json<UserRow[]>(r).map((u) => u.primary_id);
    };
    expect(await listed('first_name = "grace"')).toEqual(['n-grace']);
    expect(await listed('first_name IN ("Hedy", "GRACE")')).toEqual(['n-grace', 'n-hedy']);
    // The operator admin is Ada Admin; uma and max are Uma Manager.
    expect(await listed('last_name IS NOT EMPTY AND first_name NOT IN ("hedy", "UMA", "ADA")')).toEqual(['n-grace']);
    const set = await s.run(['set', 'create', 'hedy-grace', '--query', 'last_name IN ("LAMARR", "hopper")', '--format', 'json']);
    expect(set.code, set.stderr).toBe(0);
    expect(json<SetJson>(set).members).toBe(2);
    expect(await memberIds('hedy-grace')).toEqual(['n-grace', 'n-hedy']);
  });

  it('compares text ignoring case beyond ASCII: MÜLLER finds Müller', async () => {
    addUsers(s.db, [{ primary_id: 'n-muller', first_name: 'Jürgen', last_name: 'Müller' }]);
    const listed = async (query: string) => {
      const r = await s.run(['users', 'list', '--query', query, '--format', 'json']);
      expect(r.code, r.stderr).toBe(0);
      return json<UserRow[]>(r).map((u) => u.primary_id);
    };
    expect(await listed('last_name = "MÜLLER"')).toEqual(['n-muller']);
    expect(await listed('first_name IN ("JÜRGEN", "nobody")')).toEqual(['n-muller']);
    expect(await listed('first_name CONTAINS "ÜRG"')).toEqual(['n-muller']);
    expect(await listed('email = "MÜLLER@EXAMPLE.DE"')).toEqual(['0003']);
    const set = await s.run(['set', 'create', 'muellers', '--query', 'last_name = "müller" OR email CONTAINS "MÜLLER"', '--format', 'json']);
    expect(set.code, set.stderr).toBe(0);
    expect(await memberIds('muellers')).toEqual(['0003', 'n-muller']);
  });

  it('keeps hostile query text out of SQL', async () => {
    const r = await s.run(['users', 'list', '--query', `primary_id = "x' OR '1'='1" OR last_name = "\\"); DROP TABLE users; --"`, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(json<UserRow[]>(r)).toEqual([]);
    expect((await s.run(['users', 'list', '--format', 'json'])).stdout).toContain('"0004"');
  });

  it('itemize saves the current members; the itemized set no longer follows the query', async () => {
    expect((await s.run(['set', 'create', 'faculty', '--query', 'user_group = "FACULTY"'])).code).toBe(0);
    const r = await s.run(['set', 'itemize', 'faculty', '--as', 'faculty-today', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(json<SetJson>(r)).toMatchObject({ kind: 'itemized', members: 2 });
    addUsers(s.db, [{ primary_id: '0006', user_group: 'FACULTY' }]);
    expect(await memberIds('faculty')).toEqual(['0001', '0003', '0006']);
    expect(await memberIds('faculty-today')).toEqual(['0001', '0003']);
  });

  it('refuses to load a file into a logical set, pointing at itemize', async () => {
    const r = await s.run(['set', 'add-members', 'faculty', '--from-file', ids('f.txt', ['0004'])]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('set faculty is a logical set');
    expect(r.stderr).toContain('alma-users set itemize "faculty"');
  });
});

describe('combine', () => {
  it('makes itemized sets of and, or and not', async () => {
    expect((await s.run(['set', 'create', 'A', '--from-file', ids('a.txt', ['0001', '0002', '0003'])])).code).toBe(0);
    expect((await s.run(['set', 'create', 'B', '--query', 'job_category = "Cataloger"'])).code).toBe(0);
    const and = await s.run(['set', 'combine', 'A', 'B', '--op', 'and', '--as', 'A-and-B', '--format', 'json']);
    expect(and.code).toBe(0);
    expect(json<SetJson>(and)).toMatchObject({ kind: 'itemized', members: 2 });
    expect(await memberIds('A-and-B')).toEqual(['0001', '0002']);
    expect((await s.run(['set', 'combine', 'A', 'B', '--op', 'OR', '--as', 'A-or-B'])).code).toBe(0);
    expect(await memberIds('A-or-B')).toEqual(['0001', '0002', '0003', '0005']);
    expect((await s.run(['set', 'combine', 'a', 'b', '--op', 'not', '--as', 'A-not-B', '--public'])).code).toBe(0);
    expect(await memberIds('A-not-B')).toEqual(['0003']);
    const bad = await s.run(['set', 'combine', 'A', 'B', '--op', 'xor', '--as', 'C']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--op');
  });
});

describe('names, rename and delete', () => {
  it('keeps names unique whatever their case, and the id stable across a rename', async () => {
    expect((await s.run(['set', 'create', 'Leavers'])).code).toBe(0);
    const dup = await s.run(['set', 'create', 'LEAVERS']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('a set named LEAVERS already exists');
    const before = json<SetJson>(await s.run(['set', 'show', 'leavers', '--format', 'json']));
    const r = await s.run(['set', 'rename', 'leavers', 'Leavers 2026']);
    expect(r.code).toBe(0);
    const after = json<SetJson>(await s.run(['set', 'show', 'leavers 2026', '--format', 'json']));
    expect(after.id).toBe(before.id);
    expect(after.name).toBe('Leavers 2026');
    expect((await s.run(['set', 'show', before.id])).code).toBe(0);
    expect((await s.run(['set', 'rename', 'Leavers 2026', 'a'])).code).toBe(1);
  });

  it('refuses a name or description holding a control character (a terminal would obey an ESC in set list), and makes no set', async () => {
    const described = await s.run(['set', 'create', 'graduates', '--description', 'red \u001b[31m text', '--from-file', ids('grad.txt', ['0004'])]);
    expect(described.code).toBe(2);
    expect(described.stderr).toContain('a set description may not hold control characters (it holds U+001B)');
    const combined = await s.run(['set', 'combine', 'Leavers 2026', 'Leavers 2026', '--op', 'or', '--as', 'both', '--description', 'x\u009by']);
    expect(combined.code).toBe(2);
    expect(combined.stderr).toContain('(it holds U+009B)');
    const named = await s.run(['set', 'create', 'bell\u0007']);
    expect(named.code).toBe(2);
    expect(named.stderr).toContain('a set name may not hold control characters (it holds U+0007)');
    const names = json<{ name: string }[]>(await s.run(['set', 'list', '--format', 'json'])).map((x) => x.name);
    expect(names).not.toContain('graduates');
    expect(names).not.toContain('both');
  });

  it('refuses to delete a set while a job is Running on it (exit 1, naming the job), and deletes it after', async () => {
    expect((await s.run(['set', 'create', 'busy', '--from-file', ids('busy.txt', ['0004'])])).code).toBe(0);
    const setId = json<SetJson>(await s.run(['set', 'show', 'busy', '--format', 'json'])).id;
    // A job running on another machine: no command here can start one that stays Running.
    const db = new Database(s.db);
    db.prepare(`INSERT INTO jobs (id, type, set_id, set_name, params, operator, status, stage, submitted_at, pid, host)
      VALUES ('job-42', 'update-notify', ?, 'busy', '{}', 'admin', 'Running', 'Processing', ?, 4242, 'another-host')`).run(setId, new Date().toISOString());
    db.close();
    const r = await s.run(['set', 'delete', 'busy']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('set busy is in use by job job-42 (update-notify, Running); it was not deleted');
    expect(json<SetJson>(await s.run(['set', 'show', 'busy', '--format', 'json']))).toMatchObject({
      members: 1, held_by_job: { id: 'job-42', type: 'update-notify', status: 'Running' },
    });
    const table = (await s.run(['set', 'show', 'busy'])).stdout;
    expect(table).toMatch(/In use by job\s+job-42 \(update-notify, Running\)/);
    // An itemized set's count is stored, not "evaluated now" as a logical set's.
    expect(table).toMatch(/Members\s+1\n/);
    expect(await memberIds('busy')).toEqual(['0004']);
    // Its process is known to be gone: declared dead, the job lets go of the set.
    const abort = await s.run(['job', 'abort', 'job-42', '--force']);
    expect(abort.code, abort.stderr).toBe(0);
    expect(json<SetJson>(await s.run(['set', 'show', 'busy', '--format', 'json'])).held_by_job).toBeNull();
    expect((await s.run(['set', 'delete', 'busy'])).code).toBe(0);
    expect((await s.run(['set', 'show', 'busy'])).code).toBe(2);
  });
});

describe('who may see and change a set', () => {
  beforeAll(async () => {
    expect((await s.run(['set', 'create', 'admin-private', '--from-file', ids('p.txt', ['0001'])])).code).toBe(0);
    expect((await s.run(['set', 'create', 'admin-public', '--public', '--from-file', ids('q.txt', ['0002'])])).code).toBe(0);
    expect((await s.run(['set', 'create', 'uma-own', '--from-file', ids('u.txt', ['0003'])], as('uma'))).code).toBe(0);
  });

  it('a private set is visible to its owner (and User Administrators) only; a public one to every operator', async () => {
    const mine = json<SetJson[]>(await s.run(['set', 'list', '--format', 'json'], as('uma'))).map((x) => x.name);
    expect(mine).toContain('admin-public');
    expect(mine).toContain('uma-own');
    expect(mine).not.toContain('admin-private');
    const hidden = await s.run(['set', 'show', 'admin-private'], as('uma'));
    expect(hidden.code).toBe(2);
    expect(hidden.stderr).toContain('no set named admin-private');
    expect((await s.run(['set', 'members', 'admin-private'], as('max'))).code).toBe(2);
    expect(await memberIds('admin-public', 'uma')).toEqual(['0002']);
    const onlyMine = json<SetJson[]>(await s.run(['set', 'list', '--mine', '--format', 'json'], as('uma'))).map((x) => x.name);
    expect(onlyMine).toEqual(['uma-own']);
    const publicOnes = json<SetJson[]>(await s.run(['set', 'list', '--public', '--format', 'json'], as('uma'))).map((x) => x.name);
    expect(publicOnes).toEqual(['A-not-B', 'admin-public']);
    // A User Administrator sees others' private sets with --all; by default, their own and public ones.
    const adminDefault = json<SetJson[]>(await s.run(['set', 'list', '--format', 'json'])).map((x) => x.name);
    expect(adminDefault).not.toContain('uma-own');
    const adminAll = json<SetJson[]>(await s.run(['set', 'list', '--all', '--format', 'json'])).map((x) => x.name);
    expect(adminAll).toContain('uma-own');
    expect((await s.run(['set', 'list', '--mine', '--all'])).code).toBe(2);
  });

  it('changing a set is for its owner or a User Administrator (exit 4 for others)', async () => {
    const add = await s.run(['set', 'add-members', 'admin-public', '--from-file', ids('x.txt', ['0004'])], as('uma'));
    expect(add.code).toBe(4);
    expect(add.stderr).toContain('set admin-public belongs to admin; only its owner or a User Administrator may change its members');
    expect(await memberIds('admin-public')).toEqual(['0002']);
    expect((await s.run(['set', 'rename', 'uma-own', 'max-now'], as('max'))).code).toBe(2);
    expect((await s.run(['set', 'delete', 'admin-public'], as('max'))).code).toBe(4);
    // The owner may; so may a User Administrator, on anyone's set.
    expect((await s.run(['set', 'add-members', 'uma-own', '--from-file', ids('y.txt', ['0004'])], as('uma'))).code).toBe(0);
    expect((await s.run(['set', 'rename', 'uma-own', 'uma-renamed-by-admin'])).code).toBe(0);
    const shown = json<SetJson>(await s.run(['set', 'show', 'uma-renamed-by-admin', '--format', 'json'], as('uma')));
    expect(shown).toMatchObject({ owner: 'uma', updated_by: 'admin', members: 2 });
    // A User Manager may use a public set of another in a combination of their own.
    expect((await s.run(['set', 'combine', 'admin-public', 'uma-renamed-by-admin', '--op', 'or', '--as', 'uma-mix'], as('uma'))).code).toBe(0);
    expect(await memberIds('uma-mix', 'uma')).toEqual(['0002', '0003', '0004']);
  });

  it('owners are told apart as the store tells primary IDs apart: Ärger and ärger are two users', async () => {
    addUsers(s.db, [userManager('Ärger'), userManager('ärger')]);
    expect((await s.run(['set', 'create', 'aerger-own', '--from-file', ids('ae.txt', ['0001'])], as('Ärger'))).code).toBe(0);
    // The store matches primary IDs ignoring the case of A-Z only, as SQLite's NOCASE does.
    expect((await s.run(['set', 'show', 'aerger-own'], as('ÄRGER'))).code).toBe(0);
    const other = await s.run(['set', 'show', 'aerger-own'], as('ärger'));
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('no set named aerger-own');
    expect((await s.run(['set', 'delete', 'aerger-own'], as('ärger'))).code).toBe(2);
    expect(await memberIds('aerger-own', 'Ärger')).toEqual(['0001']);
  });

  it('creating a set needs User Manager or User Administrator (exit 4), and an operator (exit 2)', async () => {
    const patron = await s.run(['set', 'create', 'nope'], as('pat'));
    expect(patron.code).toBe(4);
    expect(patron.stderr).toContain('lacks the User Manager or User Administrator role');
    const none = await s.run(['set', 'create', 'nope'], as(''));
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--operator ID');
  });
});
