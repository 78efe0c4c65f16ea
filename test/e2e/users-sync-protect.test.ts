import { describe, expect, it } from 'vitest';
import { sisXml, syncStores, type SisUser } from '../helpers/sync.js';

/**
 * `users sync`: what the library owns survives the SIS. A protected field changed in
 * alma-users since the last sync keeps its value (until it is again the SIS's, or
 * --override); Internal entries stay while External ones are replaced; users the file no
 * longer lists are reported or deactivated, never deleted.
 */

const store = syncStores();
const ann: SisUser = { id: 's1', first: 'Ann', last: 'Archer', group: 'UNDERGRAD', email: 'ann@students.example.edu', barcode: 'S1' };

type Store = Awaited<ReturnType<typeof store>>;

/** Runs an update/notify job on one user, as the library would change it between two syncs. */
async function job(s: Store, id: string, ...actions: string[]) {
  await s.run(['set', 'delete', `only-${id}`, '--yes']);
  expect((await s.run(['set', 'create', `only-${id}`, '--from-file', s.file(`${id}.txt`, `${id}\n`)])).code).toBe(0);
  const r = await s.run(['job', 'run', 'update-notify', '--set', `only-${id}`, ...actions, '--yes']);
  expect(r.code, r.stderr).toBe(0);
}

describe('users sync: protected fields', () => {
  it('keeps a protected field changed locally since the last sync, and says so; unprotected fields follow the SIS', async () => {
    const s = await store();
    await s.sync(sisXml([ann]), '--profile', 'STUDENTS');
    await job(s, 's1', '--user-group', 'FACULTY', '--job-description', 'Library assistant');
    const r = await s.sync(sisXml([{ ...ann, group: 'GRAD' }]), '--profile', 'STUDENTS');
    expect(r.code).toBe(0);
    expect(r.report!.protected_kept).toEqual([{ primary_id: 's1', field: 'user_group', kept: 'FACULTY', sis: 'GRAD' }]);
    const u = await s.user('s1');
    expect(u.user_group.value).toBe('FACULTY');
    // job_description is not protected: the SIS (which sends none) wins.
    expect(u.job_description).toBe('');
    const show = JSON.parse((await s.run(['job', 'show', r.report!.job!, '--format', 'json'])).stdout);
    expect(show.counters).toMatchObject({ protected_kept: 1, updated: 1 });
  });

  it('puts the field back under SIS control once the SIS sends the value it holds; the next SIS change then applies', async () => {
    const s = await store();
    await s.sync(sisXml([ann]), '--profile', 'STUDENTS');
    await job(s, 's1', '--user-group', 'FACULTY');
    expect((await s.sync(sisXml([{ ...ann, group: 'GRAD' }]), '--profile', 'STUDENTS')).report!.protected_kept).toHaveLength(1);
    const same = await s.sync(sisXml([{ ...ann, group: 'FACULTY' }]), '--profile', 'STUDENTS');
    expect(same.report).toMatchObject({ unchanged: 1, protected_kept: [] });
    const next = await s.sync(sisXml([{ ...ann, group: 'ALUMNI' }]), '--profile', 'STUDENTS');
    expect(next.report).toMatchObject({ updated: 1, protected_kept: [] });
    expect((await s.user('s1')).user_group.value).toBe('ALUMNI');
  });

  it('--override takes the named protected fields from the file even where changed locally', async () => {
    const s = await store();
    await s.sync(sisXml([{ ...ann, xml: '<campus_code>MAIN</campus_code>' }]), '--profile', 'STUDENTS');
    await job(s, 's1', '--user-group', 'FACULTY', '--campus', 'MAIN', '--user-title', 'Dr');
    const r = await s.sync(sisXml([{ ...ann, group: 'GRAD' }]), '--profile', 'STUDENTS', '--override', 'user_group,user_title');
    expect(r.report!.protected_kept).toEqual([]);
    const u = await s.user('s1');
    expect([u.user_group.value, u.user_title.value, u.campus_code.value]).toEqual(['GRAD', '', '']);
    const bad = await s.sync(sisXml([ann]), '--profile', 'STUDENTS', '--override', 'first_name');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('first_name is not a protected field');
  });

  it('a field never synced before (the user came from users import) follows the SIS', async () => {
    const s = await store();
    await s.run(['users', 'import', s.file('u.csv', 'primary_id,first_name,last_name,user_group,account_type,external_id\ns1,Ann,Archer,FACULTY,EXTERNAL,STUDENTS\n')]);
    const r = await s.sync(sisXml([ann]), '--profile', 'STUDENTS');
    expect(r.report!.protected_kept).toEqual([]);
    expect((await s.user('s1')).user_group.value).toBe('UNDERGRAD');
  });

  it('a sync undone with job undo no longer counts as the last one', async () => {
    const s = await store();
    await s.sync(sisXml([ann]), '--profile', 'STUDENTS');
    const second = await s.sync(sisXml([{ ...ann, group: 'GRAD' }]), '--profile', 'STUDENTS');
    expect((await s.run(['job', 'undo', second.report!.job!, '--yes'])).code).toBe(0);
    // Back to UNDERGRAD, which is the SIS value of the sync that stands: not a local change.
    const r = await s.sync(sisXml([{ ...ann, group: 'GRAD' }]), '--profile', 'STUDENTS');
    expect(r.report!.protected_kept).toEqual([]);
    expect((await s.user('s1')).user_group.value).toBe('GRAD');
  });
});

describe('users sync: segments', () => {
  it('replaces External entries with the file\'s and keeps every Internal one (added by a job or an import)', async () => {
    const s = await store();
    await s.sync(sisXml([ann]), '--profile', 'STUDENTS');
    await job(s, 's1', '--add-note', 'Owes a book from 2019', '--add-block', '02-GLOBAL', '--add-statistic', 'RESEARCHER');
    const r = await s.sync(sisXml([{ ...ann, email: 'ann.archer@students.example.edu', barcode: 'S1-NEW' }]), '--profile', 'STUDENTS');
    expect(r.code).toBe(0);
    const u = await s.user('s1');
    expect(u.contact_info.email.map((e: { email_address: string; segment_type: string }) => [e.email_address, e.segment_type]))
      .toEqual([['ann.archer@students.example.edu', 'External']]);
    expect(u.user_identifier.map((x: { value: string }) => x.value)).toEqual(['S1-NEW']);
    expect(u.user_note).toMatchObject([{ note_text: 'Owes a book from 2019', segment_type: 'Internal' }]);
    expect(u.user_block).toMatchObject([{ block_description: { value: '02-GLOBAL' }, segment_type: 'Internal' }]);
    expect(u.user_statistic).toMatchObject([{ statistic_category: { value: 'RESEARCHER' }, segment_type: 'Internal' }]);
  });

  it('an Internal entry the file lists too is taken over by the SIS, not doubled', async () => {
    const s = await store();
    await s.run(['users', 'import', s.file('u.csv', 'primary_id,first_name,last_name,email,account_type,external_id\ns1,Ann,Archer,ann@students.example.edu,EXTERNAL,STUDENTS\n')]);
    await s.sync(sisXml([ann]), '--profile', 'STUDENTS');
    const emails = (await s.user('s1')).contact_info.email;
    expect(emails).toMatchObject([{ email_address: 'ann@students.example.edu', segment_type: 'External' }]);
    expect(emails).toHaveLength(1);
  });
});

describe('users sync: --missing', () => {
  const three: SisUser[] = ['s1', 's2', 's3'].map((id) => ({ id, first: id, last: 'Student', group: 'UNDERGRAD' }));

  it('report (the default) lists the profile\'s users the file no longer names and changes nothing', async () => {
    const s = await store();
    await s.sync(sisXml(three), '--profile', 'STUDENTS');
    await s.sync(sisXml([{ id: 'o1', first: 'O', last: 'Other' }]), '--profile', 'OTHER');
    const r = await s.sync(sisXml([three[0]!]), '--profile', 'STUDENTS');
    expect(r.code).toBe(0);
    expect(r.report).toMatchObject({ missing: 2, deactivated: 0, missing_users: [{ primary_id: 's2', status: 'ACTIVE' }, { primary_id: 's3', status: 'ACTIVE' }] });
    expect((await s.user('s2')).status.value).toBe('ACTIVE');
  });

  it('deactivate sets them INACTIVE, deletes nobody, and a later file that lists them again makes them ACTIVE', async () => {
    const s = await store();
    await s.sync(sisXml(three), '--profile', 'STUDENTS');
    const r = await s.sync(sisXml([three[0]!]), '--profile', 'STUDENTS', '--missing', 'deactivate');
    expect(r.report).toMatchObject({ missing: 2, deactivated: 2 });
    expect(await s.ids()).toEqual(['admin', 's1', 's2', 's3']);
    expect((await s.user('s3')).status.value).toBe('INACTIVE');
    const history = JSON.parse((await s.run(['users', 'history', 's3', '--format', 'json'])).stdout) as { job: string; change: string }[];
    expect(history.filter((h) => h.job === r.report!.job).map((h) => h.change)).toContain('status: ACTIVE -> INACTIVE');
    const back = await s.sync(sisXml(three), '--profile', 'STUDENTS', '--missing', 'deactivate');
    expect(back.report).toMatchObject({ updated: 2, missing: 0 });
    expect((await s.user('s3')).status.value).toBe('ACTIVE');
  });

  it('refuses a --missing it does not know', async () => {
    const s = await store();
    const r = await s.sync(sisXml(three), '--profile', 'STUDENTS', '--missing', 'delete');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--missing');
  });
});

describe('users sync: the same user twice', () => {
  it('applies the later record and counts it', async () => {
    const s = await store();
    const r = await s.sync(sisXml([ann, { ...ann, last: 'Arden' }]), '--profile', 'STUDENTS');
    expect(r.report).toMatchObject({ created: 1, updated: 1, repeated: 1 });
    expect((await s.user('s1')).last_name).toBe('Arden');
  });
});

describe('users sync: the same existing user twice in one file', () => {
  it('lays the later record onto the user as the earlier one left it, whatever the case of its ID', async () => {
    const s = await store();
    await s.sync(sisXml([ann]), '--profile', 'STUDENTS');
    const r = await s.sync(sisXml([{ ...ann, group: 'GRAD' }, { ...ann, id: 'S1', group: 'GRAD', last: 'Arden' }]), '--profile', 'STUDENTS');
    expect(r.report).toMatchObject({ updated: 2, repeated: 1, protected_kept: [] });
    const u = await s.user('s1');
    expect([u.user_group.value, u.last_name]).toEqual(['GRAD', 'Arden']);
    const history = JSON.parse((await s.run(['users', 'history', 's1', '--format', 'json'])).stdout) as { job: string; change: string }[];
    const changes = history.filter((h) => h.job === r.report!.job).map((h) => h.change);
    // The second record's audit row holds only what it changed: the group was the earlier record's.
    expect(changes.filter((c) => c.startsWith('user_group'))).toHaveLength(1);
    expect(changes.filter((c) => c.startsWith('last_name'))).toHaveLength(1);
  });

  // The sync reads users a slice of records at a time (250) and commits a batch at a time (2,000).
  it.each([300, 2100])('does the same when %i other records stand between the two', async (between) => {
    const s = await store();
    await s.sync(sisXml([ann]), '--profile', 'STUDENTS');
    const others: SisUser[] = Array.from({ length: between }, (_, i) => ({ id: `o${i}`, first: 'Other', last: `Number ${i}`, group: 'UNDERGRAD', email: `o${i}@students.example.edu`, barcode: `O${i}` }));
    const r = await s.sync(sisXml([{ ...ann, group: 'GRAD' }, ...others, { ...ann, id: 'S1', group: 'GRAD', last: 'Arden' }]), '--profile', 'STUDENTS');
    expect(r.report).toMatchObject({ created: between, updated: 2, repeated: 1, rejected: 0 });
    const u = await s.user('s1');
    expect([u.user_group.value, u.last_name]).toEqual(['GRAD', 'Arden']);
  });
});
