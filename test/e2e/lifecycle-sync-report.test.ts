import { describe, expect, it } from 'vitest';
import { sisXml, syncStores } from '../helpers/sync.js';

/**
 * users sync reads codes as people type them (as users import does), and its job's report
 * has a row per record: created, updated (with the changes), unchanged or rejected (why).
 */

const store = syncStores();

describe('users sync: codes and the per-record job report', () => {
  it('matches codes in any case or by their description; a protected field so typed is not taken for a local change', async () => {
    const s = await store();
    const xml = (group: string) => sisXml([{ id: 's1', first: 'Ann', last: 'Archer', group, xml: '<campus_code>main</campus_code>' }]);
    const first = await s.sync(xml('undergraduate'), '--profile', 'SIS');
    expect(first.code).toBe(0);
    expect(await s.user('s1')).toMatchObject({ user_group: { value: 'UNDERGRAD' }, campus_code: { value: 'MAIN' } });
    // The same SIS value again, typed otherwise: unchanged, and no protected field "kept".
    const again = await s.sync(xml('Undergrad'), '--profile', 'SIS');
    expect(again.report).toMatchObject({ unchanged: 1, updated: 0, protected_kept: [] });
    const near = await s.sync(xml('undergrd'), '--profile', 'SIS');
    expect(near.code).toBe(3);
    expect(near.report!.rejections[0]!.reason).toContain('unknown user_group code "undergrd" (did you mean "UNDERGRAD"');
  });

  it('job report lists each record: created, updated with its changes, unchanged, rejected with the reason', async () => {
    const s = await store();
    await s.sync(sisXml([{ id: 's1', first: 'Ann', last: 'Archer' }, { id: 's2', first: 'Ben', last: 'Brook' }]), '--profile', 'SIS');
    const r = await s.sync(sisXml([
      { id: 's1', first: 'Anne', last: 'Archer' },
      { id: 's2', first: 'Ben', last: 'Brook' },
      { id: 's3', first: 'Cy', last: 'Chen' },
      { id: 'admin', first: 'Ada', last: 'Admin' },
      { id: 's4', first: 'Di', last: 'Dove', group: 'VISITOR' },
    ]), '--profile', 'SIS');
    expect(r.code).toBe(3);
    const rows = JSON.parse((await s.run(['--format', 'json', 'job', 'report', r.report!.job!])).stdout) as { primary_id: string; outcome: string; changes: string; reason: string }[];
    expect(rows.map((x) => [x.primary_id, x.outcome])).toEqual([['s1', 'updated'], ['s2', 'unchanged'], ['s3', 'created'], ['admin', 'rejected'], ['s4', 'rejected']]);
    expect(rows[0]!.changes).toBe('first_name: Ann -> Anne');
    expect(rows[2]!.changes).toBe('user created');
    expect(rows[3]!.reason).toBe('User is not external');
    expect(rows[4]!.reason).toContain('unknown user_group code "VISITOR"');
  });
});
