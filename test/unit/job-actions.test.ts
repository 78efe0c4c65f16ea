import { describe, expect, it } from 'vitest';
import { addBlock, addNote, addRole, convertToInternal, removeRole, setStatus } from '../../src/domain/jobs/actions.js';
import { env, stored, TODAY } from '../helpers/jobs.js';

describe('update/notify actions', () => {
  it('add-role adds a role in its scope, re-activates an inactive or expired one, and leaves an active one', () => {
    const a = addRole({ role: 'license-viewer', scope: 'MAIN' });
    expect(a.apply(stored({ primary_id: 'U', roles: [] }), env())).toEqual({
      outcome: 'changed', user: expect.objectContaining({ roles: [{ role: 'license-viewer', scope: 'MAIN', status: 'ACTIVE', parameters: [] }] }),
      changes: [{ field: 'roles', key: 'license-viewer@MAIN', before: null, after: { role: 'license-viewer', scope: 'MAIN', status: 'ACTIVE', parameters: [] } }],
    });
    const expired = stored({ primary_id: 'U', roles: [{ role: 'license-viewer', scope: 'MAIN', status: 'ACTIVE', expiry_date: '2020-01-01' }] });
    const r = a.apply(expired, env());
    expect(r.outcome === 'changed' && r.user.roles).toEqual([{ role: 'license-viewer', scope: 'MAIN', status: 'ACTIVE', parameters: [] }]);
    const held = stored({ primary_id: 'U', roles: [{ role: 'license-viewer', scope: 'MAIN' }] });
    expect(a.apply(held, env())).toEqual({ outcome: 'unchanged' });
  });

  it('a restricted role is added or removed by a User Administrator only', () => {
    const user = stored({ primary_id: 'U', roles: [{ role: 'user-manager' }] });
    expect(removeRole({ role: 'user-manager' }).apply(user, env({ isAdministrator: false }))).toMatchObject({ outcome: 'error', code: 'restricted-account' });
    expect(removeRole({ role: 'user-manager' }).apply(user, env())).toMatchObject({ outcome: 'changed', user: { roles: [] } });
    // Removing what the user lacks is no change, whoever asks.
    expect(removeRole({ role: 'user-manager' }).apply(stored({ primary_id: 'V' }), env({ isAdministrator: false }))).toEqual({ outcome: 'unchanged' });
  });

  it('status sets its date to today; a block and a note are dated and added once', () => {
    const r = setStatus('INACTIVE').apply(stored({ primary_id: 'U' }), env());
    expect(r).toMatchObject({ outcome: 'changed', user: { status: 'INACTIVE', status_date: TODAY } });
    const b = addBlock('02-GLOBAL', 'card lost').apply(stored({ primary_id: 'U' }), env());
    expect(b.outcome === 'changed' && b.user.blocks).toEqual([{ type: 'GENERAL', description: '02-GLOBAL', status: 'ACTIVE', note: 'card lost', created: TODAY, segment: 'Internal' }]);
    const note = addNote('Hello', 'GENERAL', false);
    const once = note.apply(stored({ primary_id: 'U' }), env());
    expect(once.outcome).toBe('changed');
    expect(once.outcome === 'changed' && note.apply(once.user, env())).toEqual({ outcome: 'unchanged' });
  });

  it('convert-to internal drops the external id and asks for a new password', () => {
    const r = convertToInternal(true).apply(stored({ primary_id: 'E', account_type: 'EXTERNAL', external_id: 'SIS' }), env());
    expect(r).toMatchObject({ outcome: 'changed', resetPassword: true, changes: [{ field: 'account_type', before: 'EXTERNAL', after: 'INTERNAL' }, { field: 'external_id', before: 'SIS', after: null }] });
    expect(r.outcome === 'changed' && 'external_id' in r.user).toBe(false);
  });
});
