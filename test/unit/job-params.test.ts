import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/domain/errors.js';
import { checkChoices, resolveUpdateNotify, storedParams } from '../../src/domain/jobs/params.js';
import { defaultCodeBook } from '../helpers/jobs.js';

const codes = defaultCodeBook();
const NOW = new Date(2026, 2, 15, 12);
const resolve = (values: Record<string, unknown>) => resolveUpdateNotify(values, codes, NOW);

function refusal(values: Record<string, unknown>): string {
  try {
    resolve(values);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('not refused');
}

describe('the preflight of update/notify', () => {
  it('resolves the options into the parameters stored with the job, in table order, relative dates made absolute', () => {
    const p = resolve({
      addRole: ['license-viewer@MAIN', 'license-viewer@MAIN'], status: 'Inactive', userGroup: ' GRAD ', expiryDate: '+30d',
      addBlock: ['02-GLOBAL: card lost'], addNote: 'Welcome', noteUserViewable: true, removeStatistic: ['GRADUATE'], notify: 'GENERAL_MESSAGE',
    });
    expect(p).toEqual({
      add_roles: [{ role: 'license-viewer', scope: 'MAIN' }], remove_roles: [], status: 'INACTIVE', user_group: 'GRAD', expiry_date: '2026-04-14',
      add_blocks: [{ code: '02-GLOBAL', note: 'card lost' }], remove_blocks: [],
      add_note: { text: 'Welcome', type: 'GENERAL', user_viewable: true },
      add_statistics: [], remove_statistics: ['GRADUATE'], add_rs_libraries: [], remove_rs_libraries: [],
      convert_to: undefined, external_id: undefined, password_reset: undefined, notify: 'GENERAL_MESSAGE',
    });
    expect(Object.keys(JSON.parse(JSON.stringify(p)))).toEqual([
      'add_roles', 'remove_roles', 'status', 'user_group', 'expiry_date', 'add_blocks', 'remove_blocks', 'add_note',
      'add_statistics', 'remove_statistics', 'add_rs_libraries', 'remove_rs_libraries', 'notify',
    ]);
  });

  it('refuses unknown codes with the valid ones, roles that need parameters, empty scopes and bad dates', () => {
    expect(refusal({ userGroup: 'WIZARD' })).toBe('--user-group: unknown user_group code "WIZARD"; valid: UNDERGRAD, GRAD, FACULTY, STAFF, ALUMNI');
    expect(refusal({ addRole: ['circulation-desk-operator'] })).toContain('circulation-desk-operator: this role needs parameters');
    expect(() => resolve({ removeRole: ['circulation-desk-operator'] })).not.toThrow();
    expect(refusal({ addRole: ['cataloger@'] })).toBe('--add-role cataloger@: the scope after @ is empty');
    expect(refusal({ addRole: ['cataloger@ATLANTIS'] })).toContain('unknown library code "ATLANTIS"');
    expect(refusal({ purgeDate: '2029-02-30' })).toBe('--purge-date: "2029-02-30" is not a date');
    expect(refusal({ jobDescription: '  ' })).toBe('--job-description may not be empty');
  });

  it('refuses a control character in any value as users import does, a line break or a tab only in a note', () => {
    expect(refusal({ addNote: 'a\u001b[31mred' })).toBe('--add-note: the value holds a control character (U+001B), which no field may hold');
    expect(refusal({ jobDescription: 'x\ny' })).toBe('--job-description: the value holds a line break (U+000A); only a note may have several lines');
    expect(refusal({ jobDescription: 'x\u001by' })).toBe('--job-description: the value holds a control character (U+001B), which no field may hold');
    expect(refusal({ addBlock: ['06-LOCAL:n\u0007x'] })).toBe('--add-block: the value holds a control character (U+0007), which no field may hold');
    expect(refusal({ addRole: ['patron', 'cataloger\u009b@MAIN'] })).toContain('--add-role: the value holds a control character (U+009B)');
    expect(resolve({ addNote: 'line 1\r\nline 2\tcolumn 2', addBlock: ['02-GLOBAL: lost\nreported by phone'] })).toMatchObject({
      add_note: { text: 'line 1\r\nline 2\tcolumn 2' }, add_blocks: [{ code: '02-GLOBAL', note: 'lost\nreported by phone' }],
    });
    expect(refusal({ jobDescription: 'a\tb' })).toBe('--job-description: the value holds a tab (U+0009); only a note may hold one');
  });

  it('refuses contradictions and an empty job', () => {
    expect(refusal({})).toBe('no action given');
    expect(refusal({ noteType: 'GENERAL', status: 'active' })).toContain('--add-note, which is missing');
    expect(refusal({ addRole: ['patron'], removeRole: ['patron'] })).toBe('role patron is both added and removed; give one of them');
    expect(refusal({ addRole: ['patron@MAIN'], removeRole: ['patron'] })).toBe('role patron is both added and removed; give one of them');
    expect(refusal({ addRsLibrary: ['MAIN'], removeRsLibrary: ['MAIN'] })).toBe('rs-library MAIN is both added and removed; give one of them');
    expect(refusal({ convertTo: 'external' })).toContain('--convert-to external needs --external-id PROFILE');
    expect(refusal({ externalId: 'SIS', status: 'active' })).toBe('--external-id is used only with --convert-to external');
    expect(refusal({ passwordReset: false, status: 'active' })).toBe('--no-password-reset is used only with --convert-to internal');
    expect(refusal({ convertTo: 'internal', notify: 'GENERAL_MESSAGE' })).toContain('a GENERAL_MESSAGE letter does not carry it');
    expect(refusal({ convertTo: 'external', externalId: 'SIS', notify: 'NOTIFY_PASSWORD_CHANGE' })).toContain('external accounts have no password here');
  });

  it('checks the options that take one of a few values before anything else', () => {
    expect(() => checkChoices({ status: 'Active', convertTo: 'INTERNAL' })).not.toThrow();
    expect(() => checkChoices({ status: 'asleep' })).toThrow('--status: expected active or inactive');
    expect(() => checkChoices({ convertTo: 'both' })).toThrow('--convert-to: expected internal or external');
  });

  it('reads a stored job whose parameters lack an entry as not giving it', () => {
    expect(storedParams('{"status":"ACTIVE"}')).toMatchObject({ status: 'ACTIVE', add_roles: [], remove_blocks: [] });
  });
});
