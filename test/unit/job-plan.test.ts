import { describe, expect, it } from 'vitest';
import { UPDATE_NOTIFY_ACTIONS } from '../../src/domain/jobs/action-table.js';
import { resolveUpdateNotify } from '../../src/domain/jobs/params.js';
import { updateNotifyPlanner } from '../../src/domain/jobs/plan.js';
import { countPlan, newTally } from '../../src/domain/jobs/tally.js';
import { defaultCodeBook, env, stored, TODAY } from '../helpers/jobs.js';

const codes = defaultCodeBook();
const planner = (values: Record<string, unknown>, over = {}) => updateNotifyPlanner(resolveUpdateNotify(values, codes), env(over));

/** One value per entry's main option that changes a plain patron. */
const EXAMPLES: Record<string, Record<string, unknown>> = {
  '--add-role': { addRole: ['license-viewer'] }, '--remove-role': { removeRole: ['patron'] }, '--status': { status: 'inactive' },
  '--user-group': { userGroup: 'GRAD' }, '--job-category': { jobCategory: 'Cataloger' }, '--job-description': { jobDescription: 'Rare books' },
  '--campus': { campus: 'MAIN' }, '--user-title': { userTitle: 'Dr' }, '--cataloger-level': { catalogerLevel: '00' },
  '--expiry-date': { expiryDate: '2030-01-01' }, '--purge-date': { purgeDate: '2031-01-01' }, '--add-block': { addBlock: ['02-GLOBAL'] },
  '--remove-block': { removeBlock: ['06-LOCAL'] }, '--add-note': { addNote: 'Hello' }, '--add-statistic': { addStatistic: ['RESEARCHER'] },
  '--remove-statistic': { removeStatistic: ['GRADUATE'] }, '--add-rs-library': { addRsLibrary: ['MAIN'] }, '--remove-rs-library': { removeRsLibrary: ['MAIN'] },
  '--convert-to': { convertTo: 'external', externalId: 'SIS' }, '--notify': { notify: 'GENERAL_MESSAGE' },
};

/** A patron holding what the remove options remove (MAIN is the only resource-sharing library: not held when one is added). */
const patron = (adding = '') => stored({
  primary_id: 'P1', emails: [{ address: 'p1@example.edu', preferred: true }], roles: [{ role: 'patron' }],
  blocks: [{ description: '06-LOCAL' }], statistics: [{ category: 'GRADUATE' }], rs_libraries: adding === '--add-rs-library' ? [] : ['MAIN'],
});

describe('planning update/notify', () => {
  it('every entry changes a user and adds one to its counter, which the job starts at zero', () => {
    for (const e of UPDATE_NOTIFY_ACTIONS) {
      const name = e.option.flags.split(' ')[0]!;
      const values = EXAMPLES[name];
      expect(values, `an example for ${name}`).toBeDefined();
      const p = planner(values!);
      const tally = newTally(p);
      const plan = p.plan(patron(name));
      countPlan(tally, plan, p.actionCounters);
      expect(plan.outcomes, name).toEqual(['changed']);
      expect(p.labels[0]!.startsWith(name)).toBe(true);
      if (e.counter) expect(tally.counters[e.counter], name).toBe(1);
      else expect(plan.letter).toBe(true);
    }
  });

  it('is all or nothing: a User Manager changes no user holding a restricted role', () => {
    const p = planner({ addRole: ['license-viewer'], status: 'inactive' }, { isAdministrator: false });
    const admin = stored({ primary_id: 'A1', roles: [{ role: 'user-administrator' }] });
    const plan = p.plan(admin);
    expect(plan).toMatchObject({ failed: true, after: undefined, changes: [], outcomes: ['failed', 'failed'] });
    expect(plan.issues).toEqual([{ severity: 'error', code: 'restricted-account', message: 'restricted account: only a User Administrator may change a user holding user-administrator' }]);
  });

  it('sends the password letter with a new password only to internal users with an address', () => {
    const p = planner({ notify: 'NOTIFY_PASSWORD_CHANGE' });
    expect(p.mayResetPasswords).toBe(true);
    expect(p.counters).toEqual(expect.arrayContaining(['passwords_reset', 'letters_queued', 'no_email', 'external_skipped']));
    const internal = p.plan(patron());
    expect(internal).toMatchObject({ passwordReset: true, letter: true });
    expect(internal.changes).toEqual([{ field: 'password', before: null, after: 'reset' }, { field: 'force_password_change', before: false, after: true }]);
    const external = p.plan(stored({ primary_id: 'E1', account_type: 'EXTERNAL', external_id: 'SIS', emails: [{ address: 'e@example.edu' }] }));
    expect(external).toMatchObject({ passwordReset: false, letter: false, issues: [expect.objectContaining({ code: 'external-account' })] });
    const silent = p.plan(stored({ primary_id: 'N1' }));
    expect(silent).toMatchObject({ passwordReset: false, letter: false, issues: [expect.objectContaining({ code: 'no-email' })] });
  });

  it('reads only the columns its actions need, unless a letter shows the whole user', () => {
    expect(planner({ status: 'inactive' }).columns).toEqual(['roles', 'status', 'status_date']);
    expect(planner({ status: 'inactive', notify: 'GENERAL_MESSAGE' }).columns).toBeUndefined();
    expect(planner({ status: 'inactive' }).plan(patron()).changes).toEqual([
      { field: 'status', before: 'ACTIVE', after: 'INACTIVE' }, { field: 'status_date', before: null, after: TODAY },
    ]);
  });
});
