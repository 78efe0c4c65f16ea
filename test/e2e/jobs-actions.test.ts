import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patron } from '../helpers/seed.js';
import { history, jobList, makeSet, runJob, shownUser, storeWithSet, userFacts, type Store } from '../helpers/jobs.js';

/** Today where the CLI runs (same TZ as this process), as YYYY-MM-DD. */
function localToday(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

let s: Store;
beforeAll(async () => {
  s = await storeWithSet([
    patron('0001'),
    patron('0002', { roles: [{ role: 'patron' }, { role: 'license-viewer', scope: 'MAIN', status: 'ACTIVE' }] }),
    patron('0003', { roles: [{ role: 'license-viewer', scope: 'MAIN', status: 'INACTIVE' }, { role: 'cataloger', scope: 'SCIENCE' }, { role: 'cataloger', scope: 'MAIN' }] }),
    patron('0004', {
      blocks: [{ description: '06-LOCAL', note: 'old fine' }],
      statistics: [{ category: 'GRADUATE' }],
      rs_libraries: ['MAIN'],
    }),
  ], 'all');
  await makeSet(s, 'one', ['0001']);
});
afterAll(() => s.cleanup());

describe('roles', () => {
  it('adds a role in a scope, leaves holders as they are, re-activates an inactive one', async () => {
    const r = await runJob(s, 'all', ['--add-role', 'license-viewer@MAIN', '--reason', 'licence renewal']);
    expect(r.code).toBe(0);
    expect(r.json.status).toBe('Completed Successfully');
    expect(r.json.counters).toMatchObject({ processed: 4, changed: 3, unchanged: 1, errors: 0, roles_added: 3 });
    expect(r.json.actions).toEqual([{ action: '--add-role license-viewer@MAIN', changed: 3, unchanged: 1, failed: 0 }]);
    expect((await userFacts(s, '0001')).user_role).toEqual(['patron ACTIVE', 'license-viewer@MAIN ACTIVE']);
    expect((await userFacts(s, '0003')).user_role).toEqual(['license-viewer@MAIN ACTIVE', 'cataloger@SCIENCE ACTIVE', 'cataloger@MAIN ACTIVE']);
    // Each changed user's history holds the job's change with its reason; the unchanged one's holds nothing of it.
    const byJob = async (id: string) => (await history(s, id)).filter((h) => h.job === r.json.id).map((h) => [h.change, h.reason]);
    expect(await byJob('0001')).toEqual([['roles +license-viewer@MAIN', 'licence renewal']]);
    expect(await byJob('0003')).toEqual([['roles license-viewer@MAIN: INACTIVE -> ACTIVE', 'licence renewal']]);
    expect(await byJob('0004')).toEqual([['roles +license-viewer@MAIN', 'licence renewal']]);
    expect(await byJob('0002')).toEqual([]);
  });

  it('removes a role in one scope with @SCOPE, in every scope without, and leaves users lacking it unchanged', async () => {
    const one = await runJob(s, 'all', ['--remove-role', 'cataloger@SCIENCE']);
    expect(one.json.counters).toMatchObject({ changed: 1, unchanged: 3, roles_removed: 1 });
    expect((await userFacts(s, '0003')).user_role).toEqual(['license-viewer@MAIN ACTIVE', 'cataloger@MAIN ACTIVE']);
    const every = await runJob(s, 'all', ['--remove-role', 'license-viewer']);
    expect(every.json.counters).toMatchObject({ changed: 4, roles_removed: 4 });
    for (const id of ['0001', '0002', '0003', '0004']) {
      expect((await userFacts(s, id)).user_role.filter((x) => x.startsWith('license-viewer')), id).toEqual([]);
    }
  });

  it('refuses a role that needs parameters, and a scope that is not a library, before touching anyone (exit 2)', async () => {
    const before = await jobList(s);
    const desk = await s.run(['job', 'run', 'update-notify', '--set', 'all', '--add-role', 'circulation-desk-operator']);
    expect(desk.code).toBe(2);
    expect(desk.stderr).toContain('circulation-desk-operator: this role needs parameters');
    const scope = await s.run(['job', 'run', 'update-notify', '--set', 'all', '--add-role', 'cataloger@ATLANTIS']);
    expect(scope.code).toBe(2);
    expect(scope.stderr).toMatch(/unknown library code "ATLANTIS"; valid: MAIN, SCIENCE/);
    expect(await jobList(s)).toEqual(before);
  });
});

describe('fields', () => {
  it('sets status (with its date), user group, job category, job description, campus, title and cataloger level', async () => {
    const r = await runJob(s, 'one', [
      '--status', 'inactive', '--user-group', 'GRAD', '--job-category', 'Cataloger', '--job-description', 'Metadata, rare books',
      '--campus', 'MAIN', '--user-title', 'Dr', '--cataloger-level', '00',
    ]);
    expect(r.code).toBe(0);
    expect(await userFacts(s, '0001')).toMatchObject({
      status: 'INACTIVE', status_date: localToday(), user_group: 'GRAD', job_category: 'Cataloger',
      job_description: 'Metadata, rare books', campus_code: 'MAIN', user_title: 'Dr', cataloger_level: '00',
    });
    expect(r.json.counters).toMatchObject({
      changed: 1, statuses_changed: 1, user_groups_changed: 1, job_categories_changed: 1, job_descriptions_changed: 1,
      campuses_changed: 1, user_titles_changed: 1, cataloger_levels_changed: 1,
    });
    const again = await runJob(s, 'one', ['--status', 'INACTIVE', '--user-group', 'GRAD']);
    expect(again.json.counters).toMatchObject({ changed: 0, unchanged: 1 });
  });

  it('sets expiry and purge dates, absolute or relative to today', async () => {
    const r = await runJob(s, 'one', ['--expiry-date', '2029-02-28', '--purge-date', '+30d']);
    expect(r.code).toBe(0);
    const [y, m, d] = localToday().split('-').map(Number) as [number, number, number];
    const purge = new Date(Date.UTC(y, m - 1, d + 30)).toISOString().slice(0, 10);
    expect(await userFacts(s, '0001')).toMatchObject({ expiry_date: '2029-02-28', purge_date: purge });
    const bad = await s.run(['job', 'run', 'update-notify', '--set', 'one', '--expiry-date', '2029-02-30']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--expiry-date: "2029-02-30" is not a date');
  });

  it('refuses an unknown code with the list of valid ones, and changes nothing (exit 2)', async () => {
    const before = await shownUser(s, '0002');
    const r = await s.run(['job', 'run', 'update-notify', '--set', 'all', '--user-group', 'WIZARD', '--add-role', 'patron']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--user-group: unknown user_group code "WIZARD"; valid: ALUMNI, FACULTY, GRAD, STAFF, UNDERGRAD');
    expect(r.stderr).toContain('alma-users codes add user_group WIZARD');
    expect(await shownUser(s, '0002')).toEqual(before);
  });
});

describe('blocks, notes, statistics, resource-sharing libraries', () => {
  it('adds a block with a note and removes another', async () => {
    const r = await runJob(s, 'all', ['--add-block', '02-GLOBAL:Library card lost', '--remove-block', '06-LOCAL']);
    expect(r.json.counters).toMatchObject({ changed: 4, blocks_added: 4, blocks_removed: 1 });
    expect((await userFacts(s, '0004')).user_block).toEqual([
      { block_type: 'GENERAL', block_description: '02-GLOBAL', block_status: 'ACTIVE', block_note: 'Library card lost', created_date: localToday(), segment_type: 'Internal' },
    ]);
  });

  it('adds a note of a type, viewable by the user, once', async () => {
    const r = await runJob(s, 'one', ['--add-note', 'Welcome back', '--note-type', 'CIRCULATION', '--note-user-viewable']);
    expect(r.json.counters).toMatchObject({ changed: 1, notes_added: 1 });
    expect((await userFacts(s, '0001')).user_note).toEqual([
      { note_type: 'CIRCULATION', note_text: 'Welcome back', user_viewable: true, popup_note: false, created_date: localToday(), created_by: 'admin', segment_type: 'Internal' },
    ]);
    const again = await runJob(s, 'one', ['--add-note', 'Welcome back', '--note-type', 'CIRCULATION']);
    expect(again.json.counters).toMatchObject({ changed: 0, unchanged: 1 });
    const lonely = await s.run(['job', 'run', 'update-notify', '--set', 'one', '--note-type', 'GENERAL', '--status', 'active']);
    expect(lonely.code).toBe(2);
    expect(lonely.stderr).toContain('--add-note, which is missing');
  });

  it('adds and removes statistics and resource-sharing libraries', async () => {
    const r = await runJob(s, 'all', ['--add-statistic', 'RESEARCHER', '--remove-statistic', 'GRADUATE', '--remove-rs-library', 'MAIN']);
    expect(r.json.counters).toMatchObject({ statistics_added: 4, statistics_removed: 1, rs_libraries_removed: 1 });
    expect(await userFacts(s, '0004')).toMatchObject({
      user_statistic: [{ statistic_category: 'RESEARCHER', category_type: '', statistic_note: '', segment_type: 'Internal' }], rs_library: [],
    });
    const add = await runJob(s, 'one', ['--add-rs-library', 'MAIN']);
    expect(add.json.counters).toMatchObject({ rs_libraries_added: 1 });
    expect((await userFacts(s, '0001')).rs_library).toEqual(['MAIN']);
    const both = await s.run(['job', 'run', 'update-notify', '--set', 'one', '--add-statistic', 'RESEARCHER', '--remove-statistic', 'RESEARCHER']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('statistic RESEARCHER is both added and removed');
  });

  it('needs at least one action', async () => {
    const r = await s.run(['job', 'run', 'update-notify', '--set', 'all']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no action given');
  });
});
