import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseErrorEnvelope } from '../../src/alma/envelope.js';
import { AlmaClient } from '../../src/alma/client.js';
import { AlmaApiError, QuotaStop } from '../../src/domain/alma/connection.js';
import { almaJobParameters } from '../../src/domain/jobs/alma-params.js';
import type { UpdateNotifyParams } from '../../src/domain/jobs/action-table.js';
import { INTEROP } from '../helpers/cli.js';

const EMPTY: UpdateNotifyParams = {
  add_roles: [], remove_roles: [], add_blocks: [], remove_blocks: [], add_statistics: [], remove_statistics: [],
  add_rs_libraries: [], remove_rs_libraries: [],
};
const names = (p: { name: { value: string }; value: string }[]) => Object.fromEntries(p.map((x) => [x.name.value, x.value]));

describe("the local job's actions as Alma's job parameters", () => {
  it('maps what Alma\'s Update/Notify Users job does, dates as Unix milliseconds, roles by their role_type code', () => {
    const m = almaJobParameters(
      { ...EMPTY, user_group: 'GRAD', expiry_date: '2031-01-31', add_roles: [{ role: 'patron', scope: 'MAIN' }], notify: 'GENERAL_MESSAGE', convert_to: 'internal', password_reset: false },
      (r) => (r === 'patron' ? '200' : undefined),
    );
    expect(m.unmapped).toEqual([]);
    expect(names(m.parameters)).toEqual({
      UPDATE_User_Information_AddRole_Active: 'true', UPDATE_User_Information_AddRole_Value: '200', UPDATE_User_Information_AddRole_Scope: 'MAIN',
      UPDATE_User_Information_UserGroup_Active: 'true', UPDATE_User_Information_UserGroup_Value: 'GRAD',
      UPDATE_User_Information_Expiry_Date_Active: 'true', UPDATE_User_Information_Expiry_Date_Value: String(Date.UTC(2031, 0, 31)),
      UPDATE_User_Information_SetAccountTo_Active: 'true', UPDATE_User_Information_SetAccountTo_Value: 'INTERNAL',
      UPDATE_User_Information_DontGeneratePassword_Active: 'true',
      SEND_Notification_To_User_Active: 'true', SEND_Notification_To_User_Value: 'GENERAL_MESSAGE',
    });
  });

  it('says why an action does not map', () => {
    const m = almaJobParameters({ ...EMPTY, job_category: 'Systems', remove_blocks: ['X'], add_statistics: ['A', 'B'], add_roles: [{ role: 'local-role' }] }, () => undefined);
    expect(m.unmapped.map((u) => u.option)).toEqual(['--add-role', '--job-category', '--remove-block', '--add-statistic']);
    expect(m.unmapped[3]!.why).toContain('one value of --add-statistic a run; the job gives 2');
  });
});

describe("Alma's error envelope", () => {
  it('is read from the JSON and the XML samples', () => {
    for (const f of ['alma-json/error.json', 'alma-xml/error.xml']) {
      const e = parseErrorEnvelope(fs.readFileSync(path.join(INTEROP, f), 'utf8'));
      expect(e).toMatchObject({ errorCode: '401664', errorMessage: 'Mandatory field is missing: library', trackingId: expect.stringMatching(/^E0\d-/) });
    }
    expect(parseErrorEnvelope('<html><body>Bad gateway</body></html>')).toBeUndefined();
  });
});

describe('the client', () => {
  const answer = (status: number, body: string, remaining = '500') =>
    new Response(body, { status, headers: { 'X-Exl-Api-Remaining': remaining, 'Content-Type': 'application/json' } });

  it('sends the key in the header only, and turns an envelope into an error naming code and tracking id, never the key', async () => {
    const seen: { url: string; auth: string | null }[] = [];
    const c = new AlmaClient({
      baseUrl: 'http://alma.test', apiKey: 'sekret', rate: 100, sleep: async () => {},
      fetch: async (url, init) => {
        seen.push({ url: String(url), auth: new Headers(init?.headers).get('authorization') });
        return answer(400, fs.readFileSync(path.join(INTEROP, 'alma-json/error.json'), 'utf8'));
      },
    });
    const e = await c.get('/users/X').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AlmaApiError);
    expect((e as AlmaApiError).message).toBe('Alma answered GET /users/X with 400 401664: Mandatory field is missing: library (tracking id E01-2807130310-LFIHK-AWAE210516550)');
    expect(seen).toEqual([{ url: 'http://alma.test/almaws/v1/users/X', auth: 'apikey sekret' }]);
    expect(c.remaining).toBe(500);
  });

  it('retries PER_SECOND_THRESHOLD and stops on DAILY_THRESHOLD', async () => {
    const bodies = ['PER_SECOND_THRESHOLD', 'PER_SECOND_THRESHOLD', null, 'DAILY_THRESHOLD'];
    const c = new AlmaClient({
      baseUrl: 'http://alma.test', apiKey: 'k', rate: 100, sleep: async () => {},
      fetch: async () => {
        const code = bodies.shift();
        return code ? answer(429, JSON.stringify({ errorsExist: true, errorList: { error: [{ errorCode: code, errorMessage: 'Too many' }] } })) : answer(200, '{"ok":1}');
      },
    });
    expect((await c.get('/users/test')).body).toEqual({ ok: 1 });
    expect(c.throttled).toBe(2);
    await expect(c.get('/users/test')).rejects.toBeInstanceOf(QuotaStop);
  });
});
