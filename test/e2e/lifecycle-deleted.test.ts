import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { history, makeSet, patrons, storeWithSet, type Store } from '../helpers/jobs.js';
import { query } from '../helpers/seed.js';
import { sisXml } from '../helpers/sync.js';

/**
 * Deleted and purged users: their history stays readable, an undo's dry run names whom it
 * would restore, the restore puts them back in their itemized sets, and a new user never
 * takes a deleted user's row id (and with it its history), whatever path creates it.
 */

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function store(): Promise<Store> {
  const s = await storeWithSet(patrons(3));
  cleanups.push(s.cleanup);
  return s;
}

const json = (r: { stdout: string }) => JSON.parse(r.stdout);
const members = async (s: Store, set: string) => (json(await s.run(['--format', 'json', 'set', 'members', set])) as { primary_id: string }[]).map((m) => m.primary_id);

describe('a deleted or purged user', () => {
  it('keeps its history in users history, which says how it went', async () => {
    const s = await store();
    expect((await s.run(['users', 'edit', 'P00001', '--first-name', 'Grace'])).code).toBe(0);
    const del = json(await s.run(['--format', 'json', 'users', 'delete', 'P00001', '--yes']));
    const r = await s.run(['--format', 'json', 'users', 'history', 'p00001']);
    expect(r.code).toBe(0);
    expect((json(r) as { change: string }[]).map((h) => h.change)).toEqual(['first_name: Pat -> Grace', 'user deleted']);
    expect(r.stderr).toContain(`P00001 was deleted by job ${del.id}`);

    await makeSet(s, 'leavers', ['P00002']);
    const purge = json(await s.run(['--format', 'json', 'job', 'run', 'purge', '--set', 'leavers', '--yes']));
    const p = await s.run(['users', 'history', 'P00002']);
    expect(p.code).toBe(0);
    expect(p.stdout).toContain('user deleted');
    expect(p.stderr).toContain(`P00002 was purged by job ${purge.id}`);
    expect((await s.run(['users', 'history', 'NOBODY'])).stderr).toContain('no user NOBODY');
  });

  it('job undo --dry-run of a purge lists whom it would restore; the undo puts them back in their itemized sets', async () => {
    const s = await store();
    await makeSet(s, 'leavers', ['P00001', 'P00002']);
    await makeSet(s, 'readers', ['P00002', 'P00003']);
    const purge = json(await s.run(['--format', 'json', 'job', 'run', 'purge', '--set', 'leavers', '--yes']));
    expect(await members(s, 'readers')).toEqual(['P00003']);

    const dry = await s.run(['--format', 'json', 'job', 'undo', purge.id, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(json(dry)).toMatchObject({ dry_run: true, members: 2, counters: { changed: 2 }, restores: ['P00001', 'P00002'] });
    expect((await s.run(['job', 'undo', purge.id, '--dry-run'])).stdout).toContain('would restore (2): P00001, P00002');
    expect((await s.run(['users', 'show', 'P00001'])).code).toBe(2);

    expect((await s.run(['job', 'undo', purge.id, '--yes'])).code).toBe(0);
    expect(await members(s, 'readers')).toEqual(['P00002', 'P00003']);
    expect(await members(s, 'members')).toEqual(['P00001', 'P00002', 'P00003']);
    expect(await members(s, 'leavers')).toEqual(['P00001', 'P00002']);
  });

  it('its letters not sent yet are discarded with it, a password letter unreadable; the others stay; mail retry sends none of them', async () => {
    const s = await store();
    // Nothing listens on port 1: every letter stays pending, tried once.
    for (const [k, v] of [['institution.email', 'library@example.edu'], ['mail.smtp_url', 'smtp://127.0.0.1:1'], ['mail.retry_delays', 'none'], ['mail.job_letters', 'off']]) {
      expect((await s.run(['config', 'set', k!, v!])).code).toBe(0);
    }
    // Each ends Completed with Warnings (exit 3): its letter is still pending.
    for (const id of ['P00001', 'P00002', 'P00003']) expect((await s.run(['users', 'reset-password', id, '--notify'])).code).toBe(3);
    const letters = async () => (json(await s.run(['--format', 'json', 'mail', 'list'])) as { primary_id: string; status: string; last_reply: string }[])
      .map((l) => [l.primary_id, l.status, l.last_reply]);
    expect((await letters()).map(([id, status]) => [id, status])).toEqual([['P00001', 'pending'], ['P00002', 'pending'], ['P00003', 'pending']]);
    const keysBefore = fs.readFileSync(`${s.db}-letterkeys`);

    const del = json(await s.run(['--format', 'json', 'users', 'delete', 'P00001', '--yes']));
    await makeSet(s, 'leavers', ['P00002']);
    const purge = json(await s.run(['--format', 'json', 'job', 'run', 'purge', '--set', 'leavers', '--yes']));
    expect(await letters()).toEqual([
      ['P00001', 'discarded', `not sent: the user was deleted by job ${del.id}`],
      ['P00002', 'discarded', `not sent: the user was deleted by job ${purge.id}`],
      ['P00003', 'pending', expect.stringContaining('ECONNREFUSED')],
    ]);
    // The discarded password letters' keys are zeros: their sealed bodies can never be opened.
    const keys = fs.readFileSync(`${s.db}-letterkeys`);
    const slots = query<{ slot: number; primary_id: string }>(s.db, 'SELECT rowid AS slot, primary_id FROM outbox ORDER BY rowid');
    for (const { slot, primary_id } of slots) {
      const key = keys.subarray(slot * 32, slot * 32 + 32);
      expect(key.equals(Buffer.alloc(32)), primary_id).toBe(primary_id !== 'P00003');
      if (primary_id === 'P00003') expect(key.equals(keysBefore.subarray(slot * 32, slot * 32 + 32))).toBe(true);
    }
    // Restoring the users does not bring their letters back; mail retry tries only the one left.
    expect((await s.run(['job', 'undo', purge.id, '--yes'])).code).toBe(0);
    const retry = await s.run(['--format', 'json', 'mail', 'retry', '--yes']);
    expect(retry.stdout + retry.stderr).not.toMatch(/P0000[12]/);
    expect((await letters()).map(([id, status]) => [id, status])).toEqual([['P00001', 'discarded'], ['P00002', 'discarded'], ['P00003', 'pending']]);
  });

  // users import records no creation in the history (its users' history starts at their first change).
  it.each([
    ['users add', ['user created'], (s: Store) => s.run(['users', 'add', 'NEW1', '--first-name', 'Nia', '--last-name', 'New'])],
    ['users import', [], (s: Store) => s.run(['users', 'import', s.file('new.csv', 'primary_id,first_name,last_name,user_group\nNEW1,Nia,New,STAFF\n')])],
    ['users sync', ['user created'], (s: Store) => s.run(['users', 'sync', s.file('new.xml', sisXml([{ id: 'NEW1', first: 'Nia', last: 'New', group: 'STAFF' }])), '--profile', 'SIS'])],
  ])('a user created by %s never takes the id of a deleted one: histories stay apart, the undo restores', async (_path, own, create) => {
    const s = await store();
    // The newest user, whose row id is the highest: the one a reused id would be.
    const del = json(await s.run(['--format', 'json', 'users', 'delete', 'P00003', '--yes']));
    expect((await create(s)).code).toBe(0);
    expect((await history(s, 'NEW1')).map((h) => h.change)).toEqual(own);
    expect((await s.run(['job', 'undo', del.id, '--yes'])).code).toBe(0);
    expect((await history(s, 'P00003')).map((h) => h.change)).toEqual(['user deleted', 'user created']);
    expect((await history(s, 'NEW1')).map((h) => h.change)).toEqual(own);
    expect(json(await s.run(['--format', 'json', 'users', 'show', 'NEW1'])).first_name).toBe('Nia');
    expect(json(await s.run(['--format', 'json', 'users', 'show', 'P00003'])).first_name).toBe('Pat');
  });
});
