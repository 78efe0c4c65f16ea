import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/domain/query.js';
import type { UserInput } from '../../src/domain/user.js';
import { openStore, type Db } from '../../src/store/db.js';
import { compileQuery } from '../../src/store/query-sql.js';
import { addUsers } from '../helpers/sets-users.js';

/**
 * The query compiler against a real store: every compiled query is proved by the users it
 * selects, including the ones it must leave out.
 */

// 2026-11-21, noon local time: "today" in every query below.
const NOW = new Date(2026, 10, 21, 12, 0);

interface TestStore {
  db: Db;
  /** The primary IDs a query selects, in order. */
  ids(text: string, now?: Date): string[];
}

/** A store of its own in a temporary folder, holding these users; removed after the file's tests. */
function storeWith(users: UserInput[]): TestStore {
  let dir = '';
  let db: Db | undefined;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alma-users-query-'));
    const file = path.join(dir, 'q.db');
    openStore(file, { create: true }).close();
    addUsers(file, users);
    db = openStore(file);
  });
  afterAll(() => {
    db?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const open = (): Db => {
    if (!db) throw new Error('the store is opened by beforeAll');
    return db;
  };
  return {
    get db() {
      return open();
    },
    ids(text, now = NOW) {
      const q = compileQuery(text, now);
      return open().prepare(`SELECT primary_id FROM users WHERE ${q.sql} ORDER BY primary_id`).pluck().all(...q.params) as string[];
    },
  };
}

describe('query results', () => {
  const s = storeWith([
    {
      primary_id: '0001', first_name: 'Ada', last_name: 'Lovelace', user_group: 'FACULTY', job_category: 'Cataloger',
      expiry_date: '2026-12-01', record_type: 'STAFF',
      roles: [{ role: 'license-viewer', scope: 'MAIN' }, { role: 'patron' }],
      identifiers: [{ type: 'BARCODE', value: 'B0001' }], emails: [{ address: 'ada@example.edu' }],
    },
    {
      primary_id: '0002', first_name: 'Grace', last_name: 'Hopper', user_group: 'STAFF', job_category: 'Cataloger',
      expiry_date: '2028-01-01', record_type: 'STAFF', force_password_change: true,
      roles: [{ role: 'license-viewer', scope: 'SCIENCE' }, { role: 'cataloger', status: 'INACTIVE' }],
      blocks: [{ description: '02-GLOBAL' }],
    },
    {
      primary_id: 'abc', first_name: 'Alan', last_name: "O'Brien", user_group: 'UNDERGRAD', status: 'INACTIVE',
      roles: [{ role: 'patron', expiry_date: '2026-01-01' }], statistics: [{ category: 'GRADUATE' }],
      emails: [{ address: 'Müller@Example.de' }],
    },
    { primary_id: 'x4', user_group: 'GRAD', expiry_date: '2025-05-01' },
  ]);
  const ids = (text: string) => s.ids(text);

  it('compares scalar fields: =, !=, <, <=, >, >=', () => {
    expect(ids('user_group = "FACULTY"')).toEqual(['0001']);
    // != keeps users without the field: a user with no group is not FACULTY.
    expect(ids('user_group != "FACULTY"')).toEqual(['0002', 'abc', 'x4']);
    expect(ids('expiry_date < 2027-01-01')).toEqual(['0001', 'x4']);
    expect(ids('expiry_date <= 2026-12-01')).toEqual(['0001', 'x4']);
    expect(ids('expiry_date > 2026-12-01')).toEqual(['0002']);
    expect(ids('expiry_date >= 2026-12-01')).toEqual(['0001', '0002']);
    expect(ids('expiry_date < today')).toEqual(['x4']);
    expect(ids('expiry_date < today + 30d')).toEqual(['0001', 'x4']);
    expect(ids('primary_id = "ABC"')).toEqual(['abc']);
    expect(ids('last_name = "o\'brien"')).toEqual(['abc']);
    expect(ids('status = "inactive"')).toEqual(['abc']);
    expect(ids('force_password_change = true')).toEqual(['0002']);
    expect(ids('record_type = "STAFF" AND force_password_change = false')).toEqual(['0001']);
  });

  it('IN, NOT IN, CONTAINS, IS EMPTY, IS NOT EMPTY', () => {
    expect(ids('user_group IN ("FACULTY", "STAFF")')).toEqual(['0001', '0002']);
    expect(ids('user_group NOT IN ("FACULTY", "STAFF")')).toEqual(['abc', 'x4']);
    expect(ids('last_name CONTAINS "HOP"')).toEqual(['0002']);
    expect(ids('job_category IS EMPTY')).toEqual(['abc', 'x4']);
    expect(ids('job_category IS NOT EMPTY')).toEqual(['0001', '0002']);
    expect(ids('expiry_date IS EMPTY')).toEqual(['abc']);
  });

  it('IN and NOT IN ignore case on text fields, as = does', () => {
    expect(ids('first_name = "grace"')).toEqual(['0002']);
    expect(ids('first_name IN ("Ada", "GRACE")')).toEqual(['0001', '0002']);
    expect(ids('last_name IN ("lovelace", "o\'brien")')).toEqual(['0001', 'abc']);
    // NOT IN keeps users without the field, as != does.
    expect(ids('first_name NOT IN ("ada", "GRACE")')).toEqual(['abc', 'x4']);
    expect(ids('primary_id IN ("ABC", "X4")')).toEqual(['abc', 'x4']);
    expect(ids('primary_id NOT IN ("ABC", "X4")')).toEqual(['0001', '0002']);
    expect(ids('identifier IN ("b0001", "nothing")')).toEqual(['0001']);
    expect(ids('identifier NOT IN ("B0001")')).toEqual(['0002', 'abc', 'x4']);
    expect(ids('email IN ("ADA@EXAMPLE.EDU")')).toEqual(['0001']);
    expect(ids('email NOT IN ("ADA@EXAMPLE.EDU")')).toEqual(['0002', 'abc', 'x4']);
  });

  it('AND binds tighter than OR; NOT is two-valued; parentheses', () => {
    expect(ids('user_group = "GRAD" OR user_group = "FACULTY" AND expiry_date > 2027-01-01')).toEqual(['x4']);
    expect(ids('(user_group = "GRAD" OR user_group = "FACULTY") AND expiry_date < 2027-01-01')).toEqual(['0001', 'x4']);
    // A user with no expiry date is not "expiring before 2027".
    expect(ids('NOT expiry_date < 2027-01-01')).toEqual(['0002', 'abc']);
    expect(ids('not (status = "ACTIVE")')).toEqual(['abc']);
    expect(ids('USER_GROUP in ("GRAD") and Status = "active"')).toEqual(['x4']);
  });

  it('looks inside lists: roles (active, unexpired, optionally scoped), identifiers, e-mails, blocks, statistics', () => {
    expect(ids('role = "license-viewer"')).toEqual(['0001', '0002']);
    expect(ids('role = "license-viewer@MAIN"')).toEqual(['0001']);
    expect(ids('role IN ("cataloger", "license-viewer@SCIENCE")')).toEqual(['0002']);
    // abc's patron role expired on 2026-01-01; 0002's cataloger role is inactive.
    expect(ids('role = "patron"')).toEqual(['0001']);
    expect(ids('role = "cataloger"')).toEqual([]);
    expect(ids('role != "patron"')).toEqual(['0002', 'abc', 'x4']);
    expect(ids('role IS EMPTY')).toEqual(['abc', 'x4']);
    expect(ids('role CONTAINS "viewer"')).toEqual(['0001', '0002']);
    expect(ids('identifier = "b0001"')).toEqual(['0001']);
    expect(ids('email = "ada@example.edu" OR email CONTAINS "example.de"')).toEqual(['0001', 'abc']);
    expect(ids('block = "02-GLOBAL"')).toEqual(['0002']);
    expect(ids('block IS NOT EMPTY')).toEqual(['0002']);
    expect(ids('statistic = "GRADUATE"')).toEqual(['abc']);
    expect(ids('statistic NOT IN ("GRADUATE")')).toEqual(['0001', '0002', 'x4']);
  });

  it('a role counts until the end of its expiry day, as today moves', () => {
    expect(s.ids('role = "patron"', new Date(2025, 11, 31, 12))).toEqual(['0001', 'abc']);
    expect(s.ids('role = "patron"', new Date(2026, 0, 1, 23, 59))).toEqual(['0001', 'abc']);
    expect(s.ids('role = "patron"', new Date(2026, 0, 2, 0, 1))).toEqual(['0001']);
  });

  it('compiles a parsed tree as it compiles the text', () => {
    const text = 'role = "license-viewer@SCIENCE" OR expiry_date < today';
    const fromTree = compileQuery(parseQuery(text), NOW);
    expect(fromTree).toEqual(compileQuery(text, NOW));
    expect(s.db.prepare(`SELECT primary_id FROM users WHERE ${fromTree.sql} ORDER BY primary_id`).pluck().all(...fromTree.params)).toEqual(['0002', 'x4']);
  });

  it('keeps hostile text out of SQL: values are parameters, fields come from a fixed list', () => {
    const hostile = `x"); DROP TABLE users; --`;
    const q = compileQuery(`primary_id = "${hostile.replace(/"/g, '\\"')}" OR last_name CONTAINS "'; DELETE FROM users; --"`, NOW);
    expect(q.sql).not.toMatch(/DROP|DELETE|--/);
    expect(q.params).toEqual([hostile, "'; DELETE FROM users; --"]);
    expect(ids(`primary_id = "${hostile.replace(/"/g, '\\"')}" OR last_name CONTAINS "'; DELETE FROM users; --"`)).toEqual([]);
    expect(ids(`last_name = "' OR 1=1 --"`)).toEqual([]);
    expect(ids(`role = "x' OR '1'='1@MAIN"`)).toEqual([]);
    expect(ids(`email = "ada@example.edu') OR ('1'='1"`)).toEqual([]);
    expect(ids('user_group IS NOT EMPTY')).toEqual(['0001', '0002', 'abc', 'x4']);
  });
});

describe('text beyond ASCII', () => {
  const s = storeWith([
    { primary_id: 'ärger', first_name: 'Zoë', last_name: 'Müller', emails: [{ address: 'ZOË@EXAMPLE.DE' }] },
    { primary_id: 'abc', first_name: 'Alan', last_name: "O'Brien", emails: [{ address: 'Müller@Example.de' }] },
    { primary_id: 'muster', first_name: 'Max', last_name: 'Muster' },
  ]);

  it('ignores case beyond ASCII: MÜLLER is Müller, in =, IN, CONTAINS, ordering and lists', () => {
    expect(s.ids('last_name = "MÜLLER"')).toEqual(['ärger']);
    expect(s.ids('last_name != "müller"')).toEqual(['abc', 'muster']);
    expect(s.ids('first_name IN ("ZOË", "alan")')).toEqual(['abc', 'ärger']);
    expect(s.ids('first_name NOT IN ("ZOË")')).toEqual(['abc', 'muster']);
    expect(s.ids('last_name CONTAINS "ÜLL"')).toEqual(['ärger']);
    expect(s.ids('last_name >= "MÜ" AND last_name < "MÜLLERZ"')).toEqual(['ärger']);
    expect(s.ids('email = "müller@example.de"')).toEqual(['abc']);
    expect(s.ids('email IN ("zoë@example.de")')).toEqual(['ärger']);
    expect(s.ids('email CONTAINS "ZOË@"')).toEqual(['ärger']);
  });

  it('matches primary IDs as the store does everywhere (an ID file, the unique check): A-Z ignore case, Ä and ä differ', () => {
    expect(s.ids('primary_id = "ärger"')).toEqual(['ärger']);
    expect(s.ids('primary_id = "ÄRGER"')).toEqual([]);
    expect(s.ids('primary_id IN ("ÄRGER")')).toEqual([]);
    expect(s.ids('primary_id = "MUSTER"')).toEqual(['muster']);
  });
});

describe('relative dates against the day the query runs', () => {
  const s = storeWith([
    { primary_id: 'feb28', expiry_date: '2027-02-28' },
    { primary_id: 'mar01', expiry_date: '2027-03-01' },
  ]);

  it('today + 3m from the 30th of November is the last day of February', () => {
    expect(s.ids('expiry_date = today + 3m', new Date(2026, 10, 30, 12))).toEqual(['feb28']);
    expect(s.ids('expiry_date = today + 3m', new Date(2026, 11, 1, 12))).toEqual(['mar01']);
    expect(s.ids('expiry_date <= today - 1d', new Date(2027, 2, 1, 12))).toEqual(['feb28']);
  });
});
