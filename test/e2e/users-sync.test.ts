import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { thisProcess } from '../../src/domain/processes.js';
import { sisXml, syncStores, type SisUser } from '../helpers/sync.js';

/**
 * `users sync`: Alma's SIS Synchronize. Only the external users of the profile change;
 * an internal user is "not external" and left exactly as it was; the file's values replace
 * the core fields; a sync is a job (job list, job show, users history, job undo).
 */

const store = syncStores();

const students: SisUser[] = [
  { id: 's1', first: 'Ann', last: 'Archer', group: 'UNDERGRAD', email: 'ann@students.example.edu', barcode: 'S1', expiry: '2027-09-30' },
  { id: 's2', first: 'Ben', last: 'Brook', group: 'GRAD', email: 'ben@students.example.edu', barcode: 'S2', expiry: '2027-09-30' },
  { id: 's3', first: 'Cy', last: 'Chen', group: 'GRAD', email: 'cy@students.example.edu', barcode: 'S3', expiry: '2027-09-30' },
];

describe('users sync: the graduation story', () => {
  it('SIS load -> set of graduates -> convert to internal with the password letter -> the next SIS file still lists them: rejected as "User is not external", unchanged', async () => {
    const s = await store();
    const load = await s.sync(sisXml(students), '--profile', 'STUDENTS');
    expect(load.code).toBe(0);
    expect(load.report).toMatchObject({ created: 3, updated: 0, rejected: 0 });
    expect(await s.user('s2')).toMatchObject({ account_type: { value: 'EXTERNAL' }, external_id: 'STUDENTS', user_group: { value: 'GRAD' } });

    expect((await s.run(['set', 'create', 'graduates', '--from-file', s.file('graduates.txt', 's2\ns3\n')])).code).toBe(0);
    const convert = await s.run(['job', 'run', 'update-notify', '--set', 'graduates', '--convert-to', 'internal', '--notify', 'NOTIFY_PASSWORD_CHANGE', '--yes']);
    expect(convert.code).toBe(0);
    const graduated = await s.user('s2');
    expect(graduated).toMatchObject({ account_type: { value: 'INTERNAL' }, external_id: '' });

    // The next term's file: still lists the graduates, with changes the SIS would make.
    const next = students.map((u) => ({ ...u, group: 'UNDERGRAD', expiry: '2028-09-30' }));
    const r = await s.sync(sisXml(next), '--profile', 'STUDENTS');
    expect(r.code).toBe(3);
    expect(r.report).toMatchObject({ updated: 1, rejected: 2 });
    expect(r.report!.rejections.map((x) => [x.primary_id, x.reason])).toEqual([['s2', 'User is not external'], ['s3', 'User is not external']]);
    expect(await s.user('s2')).toEqual(graduated);
    expect(await s.user('s1')).toMatchObject({ expiry_date: '2028-09-30Z' });
  });
});

describe('users sync: whose users', () => {
  it('rejects a record for an external user of another profile, naming it; creates new users EXTERNAL with the profile', async () => {
    const s = await store();
    await s.sync(sisXml([students[0]!]), '--profile', 'STAFF');
    const r = await s.sync(sisXml(students), '--profile', 'STUDENTS');
    expect(r.code).toBe(3);
    expect(r.report!.rejections).toMatchObject([{ primary_id: 's1', reason: 'the user belongs to SIS profile STAFF, not STUDENTS', record: 1, line: 3 }]);
    expect(await s.user('s1')).toMatchObject({ external_id: 'STAFF' });
    expect(await s.user('s3')).toMatchObject({ account_type: { value: 'EXTERNAL' }, external_id: 'STUDENTS', status: { value: 'ACTIVE' } });
  });

  it('rejects the operator itself and any internal user, whatever the file says of it', async () => {
    const s = await store();
    const before = await s.user('admin');
    const r = await s.sync(sisXml([{ id: 'admin', first: 'Mallory', last: 'X', xml: '<account_type>EXTERNAL</account_type>' }]), '--profile', 'STUDENTS');
    expect(r.code).toBe(3);
    expect(r.report!.rejections[0]!.reason).toBe('User is not external');
    expect(await s.user('admin')).toEqual(before);
  });
});

describe('users sync: core fields', () => {
  it('replaces core fields by the file and deletes what the record leaves empty (users import keeps it)', async () => {
    const s = await store();
    await s.sync(sisXml([{ ...students[0]!, xml: '<middle_name>Maria</middle_name><job_description>Student worker</job_description>' }]), '--profile', 'STUDENTS');
    const r = await s.sync(sisXml([{ id: 's1', first: 'Anne', last: 'Archer', group: 'UNDERGRAD', xml: '<middle_name></middle_name>' }]), '--profile', 'STUDENTS');
    expect(r.code).toBe(0);
    expect(r.report!.updates[0]!.primary_id).toBe('s1');
    expect(Object.keys(r.report!.fields_changed).sort()).toEqual(['emails', 'expiry_date', 'first_name', 'identifiers', 'job_description', 'middle_name']);
    const u = await s.user('s1');
    expect(u).toMatchObject({ first_name: 'Anne', middle_name: '', job_description: '' });
    expect(u.expiry_date ?? '').toBe('');
    expect(u.contact_info.email).toEqual([]);
    // The same file again changes nothing.
    const again = await s.sync(sisXml([{ id: 's1', first: 'Anne', last: 'Archer', group: 'UNDERGRAD' }]), '--profile', 'STUDENTS');
    expect(again.report).toMatchObject({ updated: 0, unchanged: 1 });
  });

  it('never touches roles', async () => {
    const s = await store();
    await s.sync(sisXml([students[0]!]), '--profile', 'STUDENTS');
    expect((await s.run(['set', 'create', 'one', '--from-file', s.file('one.txt', 's1\n')])).code).toBe(0);
    expect((await s.run(['job', 'run', 'update-notify', '--set', 'one', '--add-role', 'license-viewer', '--yes'])).code).toBe(0);
    const r = await s.sync(sisXml([{ ...students[0]!, first: 'Annie', xml: '<user_roles><user_role><role_type>204</role_type><status>ACTIVE</status></user_role></user_roles>' }]), '--profile', 'STUDENTS');
    expect(r.report).toMatchObject({ updated: 1 });
    expect((await s.user('s1')).user_role.map((x: { role_type: { value: string } }) => x.role_type.value)).toEqual(['license-viewer']);
  });

  it('rejects a record whose codes the tables lack, with the command that adds them', async () => {
    const s = await store();
    const r = await s.sync(sisXml([{ id: 'x1', first: 'X', last: 'Y', group: 'VISITOR' }]), '--profile', 'STUDENTS');
    expect(r.code).toBe(3);
    expect(r.report!.rejections[0]!.reason).toBe('unknown user_group code "VISITOR": add it with `alma-users codes add user_group VISITOR`');
    expect(await s.ids()).toEqual(['admin']);
  });
});

describe('users sync: a job', () => {
  it('--dry-run writes nothing and records no job, and reports what would change', async () => {
    const s = await store();
    await s.sync(sisXml(students), '--profile', 'STUDENTS');
    const r = await s.sync(sisXml([{ ...students[0]!, last: 'Arden' }]), '--profile', 'STUDENTS', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.report).toMatchObject({ dry_run: true, job: null, updated: 1, missing: 2 });
    expect(r.report!.updates).toEqual([{ primary_id: 's1', changes: 'last_name: Archer -> Arden' }]);
    expect((await s.user('s1')).last_name).toBe('Archer');
    expect(JSON.parse((await s.run(['job', 'list', '--format', 'json'])).stdout)).toHaveLength(1);
  });

  it('appears in job list, job show and users history; job undo reverts it (the users it created are deleted again)', async () => {
    const s = await store();
    const first = await s.sync(sisXml(students.slice(0, 2)), '--profile', 'STUDENTS');
    const r = await s.sync(sisXml([{ ...students[0]!, last: 'Arden' }, students[2]!]), '--profile', 'STUDENTS', '--reason', 'fall term');
    const job = r.report!.job!;
    const list = JSON.parse((await s.run(['job', 'list', '--format', 'json'])).stdout) as { id: string; type: string; status: string }[];
    expect(list.map((j) => [j.id, j.type, j.status])).toEqual([[job, 'sync', 'Completed Successfully'], [first.report!.job, 'sync', 'Completed Successfully']]);
    const show = JSON.parse((await s.run(['job', 'show', job, '--format', 'json'])).stdout);
    expect(show).toMatchObject({ type: 'sync', reason: 'fall term', parameters: { profile: 'STUDENTS' }, counters: { created: 1, updated: 1, missing: 1 } });
    const history = JSON.parse((await s.run(['users', 'history', 's1', '--format', 'json'])).stdout) as { job: string; change: string }[];
    expect(history.map((h) => [h.job, h.change])).toEqual([[first.report!.job, 'user created'], [job, 'last_name: Archer -> Arden']]);

    const undo = await s.run(['job', 'undo', job, '--yes']);
    expect(undo.code).toBe(0);
    expect((await s.user('s1')).last_name).toBe('Archer');
    expect(await s.ids()).toEqual(['admin', 's1', 's2']);
  });

  it('left running by a process that is gone, is named with what finishes it: the same sync again, not job resume', async () => {
    const s = await store();
    const job = (await s.sync(sisXml(students.slice(0, 2)), '--profile', 'STUDENTS')).report!.job!;
    // As a kill -9 leaves it: Running, its total not known yet, under the pid of a process that has ended, on this host and boot.
    const db = new Database(s.db);
    db.prepare("UPDATE jobs SET status = 'Running', ended_at = NULL, total = 0, pid = ?, host = ?, boot_id = ? WHERE id = ?")
      .run(spawnSync('true').pid, thisProcess().host, thisProcess().boot, job);
    db.close();
    const list = await s.run(['job', 'list', '--format', 'json']);
    // Its total is known only at its end: no percentage, the users it reached.
    expect((JSON.parse(list.stdout) as { id: string; progress: string; processed: number }[]).find((j) => j.id === job)).toMatchObject({ progress: '', processed: 2 });
    expect(list.stderr).toContain(`warning: job ${job} was left running by a process that is gone; it is now Aborted by System (to finish it: run the same users sync again (a sync is not resumed))`);
    const resume = await s.run(['job', 'resume', job]);
    expect(resume.code).toBe(1);
    expect(resume.stderr).toContain('hint: run the same users sync again (a sync is not resumed)');
  });

  it('refuses a file it cannot use with exit 2 and writes nothing', async () => {
    const s = await store();
    const r = await s.sync(s.file('bad.xml', '<users><user><primary_id>a</primary_id></users>'), '--profile', 'STUDENTS');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad.xml');
    expect(r.stderr).toContain('not well-formed XML');
    const none = await s.run(['users', 'sync', s.file('ok.xml', sisXml(students))]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--profile');
    expect(await s.ids()).toEqual(['admin']);
  });
});
