import { afterEach, describe, expect, it } from 'vitest';
import { startAlmaServer, type AlmaTestServer, type Json } from './index.js';
import { almaUser, call, errorCode } from './call.js';

let alma: AlmaTestServer;
let clock = Date.UTC(2025, 0, 6, 9);
afterEach(() => alma.stop());

async function start(opts: Parameters<typeof startAlmaServer>[0] = {}): Promise<void> {
  alma = await startAlmaServer({ perSecond: 1000, now: () => clock, ...opts });
  alma.seedUsers([
    almaUser('u1'),
    almaUser('u2', { account_type: { value: 'EXTERNAL' }, external_id: 'SIS', user_note: [{ note_text: 'x', segment_type: 'External' }] }),
  ]);
}

async function setOf(ids: string[]): Promise<string> {
  const set = await call(alma, 'POST', '/conf/sets', {
    body: { name: 'job set', type: { value: 'ITEMIZED' }, content: { value: 'USER' }, members: { member: ids.map((id) => ({ id })) } },
  });
  return String(set.json?.id);
}

const params = (p: Record<string, string>) => ({ parameter: Object.entries(p).map(([name, value]) => ({ name: { value: name }, value })) });
const run = (p: Record<string, string>, job = 'M148') => call(alma, 'POST', `/conf/jobs/${job}?op=run`, { body: params(p) });
const U = 'UPDATE_User_Information_';

describe('Jobs API of the Alma test server: Update/Notify Users', () => {
  it('runs the job on a set: the instance goes QUEUED, RUNNING, COMPLETED_SUCCESS and the users change', async () => {
    await start();
    const setId = await setOf(['u1', 'u2']);
    const expiry = Date.UTC(2031, 5, 30);
    const a = await run({
      set_id: setId, job_name: 'alma-users job 7',
      [`${U}UserGroup_Active`]: 'true', [`${U}UserGroup_Value`]: 'GRAD',
      [`${U}Expiry_Date_Active`]: 'true', [`${U}Expiry_Date_Value`]: String(expiry),
      [`${U}AddRole_Active`]: 'true', [`${U}AddRole_Value`]: '204',
      [`${U}AddNote_Active`]: 'true', [`${U}AddNote_Value`]: 'moved to grad',
      [`${U}SetAccountTo_Active`]: 'true', [`${U}SetAccountTo_Value`]: 'INTERNAL',
      [`${U}Status_Active`]: 'false', [`${U}Status_Value`]: '',
      SEND_Notification_To_User_Active: 'true', SEND_Notification_To_User_Value: 'NOTIFY_PASSWORD_CHANGE',
    });
    expect(a.status).toBe(200);
    const link = String((a.json?.additional_info as Json).link);
    expect(link).toMatch(/\/almaws\/v1\/conf\/jobs\/M148\/instances\/\d+$/);
    const path = link.slice(link.indexOf('/conf/'));
    const statuses: string[] = [];
    let inst: Json = {};
    for (let i = 0; i < 4; i++) {
      inst = (await call(alma, 'GET', path)).json as Json;
      statuses.push(String((inst.status as Json).value));
    }
    expect(statuses).toEqual(['QUEUED', 'RUNNING', 'COMPLETED_SUCCESS', 'COMPLETED_SUCCESS']);
    expect(inst.progress).toBe(100);
    const counters = Object.fromEntries((inst.counter as Json[]).map((c) => [(c.type as Json).value, c.value]));
    expect(counters).toMatchObject({ 'c.jobs.users.total': '2', 'c.jobs.users.updated': '2', 'c.jobs.users.failed': '0', 'c.jobs.users.notified': '2' });
    expect((inst.alert as Json[])[0]?.value).toBe('alert_general_success');
    const u1 = alma.user('u1') as Json;
    expect(u1.user_group).toEqual({ value: 'GRAD' });
    expect(u1.expiry_date).toBe('2031-06-30Z');
    expect((u1.user_role as Json[]).map((r) => (r.role_type as Json).value)).toEqual(['200', '204']);
    expect((u1.user_note as Json[])[0]?.note_text).toBe('moved to grad');
    const u2 = alma.user('u2') as Json;
    expect(u2.account_type).toEqual({ value: 'INTERNAL', desc: 'Internal' });
    expect((u2.user_note as Json[])[0]?.segment_type).toBe('Internal');
    expect(alma.password('u2')).toMatch(/^[A-Za-z0-9]{10}$/);
    expect(alma.password('u1')).toBeNull();
    const letters = alma.notifications();
    expect(letters.map((n) => [n.primaryId, n.type, n.email])).toEqual([
      ['u1', 'NOTIFY_PASSWORD_CHANGE', 'u1@example.org'], ['u2', 'NOTIFY_PASSWORD_CHANGE', 'u2@example.org'],
    ]);
    expect(letters[1]?.temporaryPassword).toBe(alma.password('u2'));
  });

  it('checks the parameters: unknown name, bad value, missing value, role with parameters, set, job id, op', async () => {
    await start();
    const setId = await setOf(['u1']);
    const cases: [Record<string, string>, string][] = [
      [{ set_id: setId, [`${U}Colour_Active`]: 'true' }, '40166410'],
      [{ set_id: setId, [`${U}DisableSMS_Value`]: 'x' }, '40166410'],
      [{ set_id: setId, [`${U}Status_Active`]: 'true', [`${U}Status_Value`]: 'GONE' }, '40166410'],
      [{ set_id: setId, [`${U}Status_Active`]: 'yes', [`${U}Status_Value`]: 'ACTIVE' }, '40166410'],
      [{ set_id: setId, [`${U}Expiry_Date_Active`]: 'true', [`${U}Expiry_Date_Value`]: '2031-06-30' }, '40166410'],
      [{ set_id: setId, [`${U}Purge_Date_Active`]: 'true' }, '402228'],
      [{ set_id: setId, [`${U}UserGroup_Active`]: 'true', [`${U}UserGroup_Value`]: '' }, '402229'],
      [{ set_id: setId, [`${U}AddRole_Active`]: 'true', [`${U}AddRole_Value`]: '221' }, '40166410'],
      [{ set_id: setId, SEND_Notification_To_User_Active: 'true' }, '402229'],
      [{ [`${U}Status_Active`]: 'false' }, '402228'],
      [{ set_id: '123' }, '60107'],
    ];
    for (const [p, code] of cases) {
      const a = await run(p);
      expect([JSON.stringify(p), a.status, errorCode(a)]).toEqual([JSON.stringify(p), 400, code]);
    }
    expect(errorCode(await run({ set_id: setId }, 'M999'))).toBe('402216');
    expect(errorCode(await run({ set_id: setId }, 'not-a-job'))).toBe('402215');
    expect(errorCode(await call(alma, 'POST', '/conf/jobs/M148', { body: params({ set_id: setId }) }))).toBe('402220');
    const xml = await call(alma, 'POST', '/conf/jobs/M148?op=run', { body: params({ set_id: setId, x: '1' }), xml: true });
    expect(xml.text).toContain('<errorCode>40166410</errorCode>');
    expect(alma.jobInstances()).toHaveLength(0);
  });

  it('runs at most 3 API jobs at once and the same job 5 times an hour', async () => {
    await start();
    const setId = await setOf(['u1']);
    for (let i = 0; i < 3; i++) expect((await run({ set_id: setId })).status).toBe(200);
    expect(errorCode(await run({ set_id: setId }))).toBe('402222');
    alma.completeJobs();
    for (let i = 0; i < 2; i++) expect((await run({ set_id: setId })).status).toBe(200);
    alma.completeJobs();
    expect(errorCode(await run({ set_id: setId }))).toBe('402223');
    clock += 3_600_001;
    expect((await run({ set_id: setId })).status).toBe(200);
  });

  it('completes with a warning when a user cannot be updated, and applies Condition and RemoveRole', async () => {
    await start({ jobStagePolls: 2 });
    const setId = await setOf(['u1', 'u2']);
    alma.failUsersInJobs(['u2']);
    const a = await run({
      set_id: setId,
      [`${U}Status_Active`]: 'true', [`${U}Status_Value`]: 'INACTIVE', [`${U}Status_Condition`]: 'ACTIVE',
      [`${U}RemoveRole_Active`]: 'true', [`${U}RemoveRole_Value`]: '200',
    });
    const link = String((a.json?.additional_info as Json).link);
    const path = link.slice(link.indexOf('/conf/'));
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) {
      const inst = (await call(alma, 'GET', path)).json as Json;
      seen.push(`${(inst.status as Json).value}:${inst.progress}`);
    }
    expect(seen).toEqual(['QUEUED:0', 'QUEUED:0', 'RUNNING:33', 'RUNNING:67', 'COMPLETED_WARNING:100']);
    expect(alma.user('u1')?.status).toEqual({ value: 'INACTIVE' });
    expect(alma.user('u1')?.user_role).toEqual([]);
    expect(alma.user('u2')?.status).toEqual({ value: 'ACTIVE', desc: 'Active' });
    const xml = await call(alma, 'GET', path, { xml: true });
    expect(xml.text).toMatch(/<status desc="Completed with Warnings">COMPLETED_WARNING<\/status>/);
    expect(xml.text).toMatch(/<counters><counter><type desc="Total users in the set">c.jobs.users.total<\/type><value>2<\/value><\/counter>/);
  });
});
