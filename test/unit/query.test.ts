import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileQuery, parseQuery } from '../../src/domain/query.js';
import { UsageError } from '../../src/domain/errors.js';
import { userSchema, type UserInput } from '../../src/domain/user.js';
import { openStore, type Db } from '../../src/store/db.js';
import { UserStore } from '../../src/store/users.js';

// 2026-11-21, noon local time: "today" in every query below.
const NOW = new Date(2026, 10, 21, 12, 0);

function errorOf(text: string): UsageError {
  try {
    compileQuery(text, NOW);
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error(`no error for: ${text}`);
}

/** The caret line of an error message: the column of its first ^ and how many there are. */
function caret(e: UsageError): { at: number; width: number } {
  const lines = e.message.split('\n');
  const line = lines[2]!;
  const at = line.indexOf('^') - 2;
  return { at, width: line.trim().length };
}

describe('query errors show where the query is wrong', () => {
  it('an unknown field, with the field list in the hint', () => {
    const e = errorOf('user_group = "STAFF" AND expiry < 2027-01-01');
    expect(e.message).toContain('unknown field expiry');
    expect(e.message.split('\n')[1]).toBe('  user_group = "STAFF" AND expiry < 2027-01-01');
    expect(caret(e)).toEqual({ at: 25, width: 6 });
    expect(e.hint).toContain('expiry_date');
  });

  it('a value of the wrong type', () => {
    const e = errorOf('expiry_date < "soon"');
    expect(e.message).toMatch(/expiry_date is a date; expected YYYY-MM-DD or today, found the string "soon"/);
    expect(caret(e)).toEqual({ at: 14, width: 6 });
    const bare = errorOf('user_group = FACULTY');
    expect(bare.message).toContain('bare word FACULTY');
    expect(bare.hint).toBe('quote it: "FACULTY"');
    expect(caret(bare).at).toBe(13);
    const zeros = errorOf('primary_id = 0012345');
    expect(zeros.hint).toContain('leading zeros');
    expect(errorOf('role < "x"').message).toContain('< does not apply to role');
    expect(errorOf('status = "retired"').message).toContain('status is one of ACTIVE, INACTIVE');
    expect(errorOf('force_password_change = "yes"').message).toContain('force_password_change is true or false');
    expect(errorOf('expiry_date CONTAINS "2027"').message).toContain('CONTAINS does not apply to expiry_date');
  });

  it('syntax errors: a missing ), a missing operator, trailing words, an unterminated string', () => {
    const paren = errorOf('(user_group = "STAFF" OR user_group = "GRAD"');
    expect(paren.message).toContain('expected ) to close the ( at position 1, found the end of the query');
    expect(caret(paren)).toEqual({ at: 44, width: 1 });
    const op = errorOf('user_group "STAFF"');
    expect(op.message).toMatch(/expected an operator after user_group .* found the string "STAFF"/);
    expect(caret(op).at).toBe(11);
    const trailing = errorOf('user_group = "STAFF" job_category = "Cataloger"');
    expect(trailing.message).toContain('expected AND, OR or the end of the query, found job_category');
    expect(caret(trailing)).toEqual({ at: 21, width: 12 });
    const open = errorOf('last_name = "O\'Brien');
    expect(open.message).toContain('unterminated string');
    expect(caret(open).at).toBe(12);
    expect(errorOf('').message).toContain('the query is empty');
    expect(errorOf('expiry_date < 2027-02-30').message).toContain('2027-02-30 is not a calendar date');
    expect(errorOf('expiry_date < today + 30').message).toContain('expected an amount such as 30d');
    expect(errorOf('user_group IN "STAFF"').message).toContain('expected ( after IN');
    expect(errorOf('user_group = ""').hint).toContain('user_group IS EMPTY');
  });

  it('errors are usage errors: exit 2', () => {
    expect(errorOf('nope = "x"').kind).toBe('usage');
  });

  it('refuses queries that would exceed what SQLite can prepare', () => {
    const many = Array.from({ length: 401 }, (_, i) => `primary_id = "${i}"`).join(' OR ');
    expect(errorOf(many).message).toContain('more than 400 conditions');
    expect(errorOf('('.repeat(150) + 'status = "ACTIVE"' + ')'.repeat(150)).message).toContain('nests deeper than 100');
  });
});

describe('relative dates', () => {
  it('resolve against today, with month-end clamping', () => {
    expect(compileQuery('expiry_date < today', NOW).params).toEqual(['2026-11-21']);
    expect(compileQuery('expiry_date < today + 30d', NOW).params).toEqual(['2026-12-21']);
    expect(compileQuery('expiry_date >= today - 18m', NOW).params).toEqual(['2025-05-21']);
    expect(compileQuery('expiry_date <= today+1y', NOW).params).toEqual(['2027-11-21']);
    expect(compileQuery('expiry_date = "2027-01-31"', NOW).params).toEqual(['2027-01-31']);
    expect(compileQuery('expiry_date < today + 3m', new Date(2026, 10, 30, 12)).params).toEqual(['2027-02-28']);
  });
});

describe('query results against a real store', () => {
  let dir: string;
  let db: Db;

  function add(u: UserInput): void {
    new UserStore(db).insert(userSchema.parse(u), 'test', '2026-01-01T00:00:00.000Z');
  }

  function ids(text: string): string[] {
    const q = compileQuery(text, NOW);
    return (db.prepare(`SELECT primary_id FROM users WHERE ${q.sql} ORDER BY primary_id`).pluck().all(...q.params) as string[]);
  }

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alma-users-query-'));
    db = openStore(path.join(dir, 'q.db'), { create: true });
    add({
      primary_id: '0001', first_name: 'Ada', last_name: 'Lovelace', user_group: 'FACULTY', job_category: 'Cataloger',
      expiry_date: '2026-12-01', record_type: 'STAFF',
      roles: [{ role: 'license-viewer', scope: 'MAIN' }, { role: 'patron' }],
      identifiers: [{ type: 'BARCODE', value: 'B0001' }], emails: [{ address: 'ada@example.edu' }],
    });
    add({
      primary_id: '0002', first_name: 'Grace', last_name: 'Hopper', user_group: 'STAFF', job_category: 'Cataloger',
      expiry_date: '2028-01-01', record_type: 'STAFF', force_password_change: true,
      roles: [{ role: 'license-viewer', scope: 'SCIENCE' }, { role: 'cataloger', status: 'INACTIVE' }],
      blocks: [{ description: '02-GLOBAL' }],
    });
    add({
      primary_id: 'abc', first_name: 'Alan', last_name: "O'Brien", user_group: 'UNDERGRAD', status: 'INACTIVE',
      roles: [{ role: 'patron', expiry_date: '2026-01-01' }], statistics: [{ category: 'GRADUATE' }],
      emails: [{ address: 'Müller@Example.de' }],
    });
    add({ primary_id: 'x4', user_group: 'GRAD', expiry_date: '2025-05-01' });
  });

  afterAll(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

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

  it('ignores case beyond ASCII: MÜLLER is Müller, in =, IN, CONTAINS, ordering and lists', () => {
    add({ primary_id: 'ärger', first_name: 'Zoë', last_name: 'Müller', emails: [{ address: 'ZOË@EXAMPLE.DE' }] });
    try {
      expect(ids('last_name = "MÜLLER"')).toEqual(['ärger']);
      expect(ids('last_name != "müller" AND last_name IS NOT EMPTY')).toEqual(['0001', '0002', 'abc']);
      expect(ids('first_name IN ("ZOË", "ada")')).toEqual(['0001', 'ärger']);
      expect(ids('first_name NOT IN ("ZOË") AND first_name IS NOT EMPTY')).toEqual(['0001', '0002', 'abc']);
      expect(ids('last_name CONTAINS "ÜLL"')).toEqual(['ärger']);
      expect(ids('last_name >= "MÜ" AND last_name < "MÜLLERZ"')).toEqual(['ärger']);
      expect(ids('email = "müller@example.de"')).toEqual(['abc']);
      expect(ids('email IN ("zoë@example.de")')).toEqual(['ärger']);
      expect(ids('email CONTAINS "ZOË@"')).toEqual(['ärger']);
      // Primary IDs match as the store matches them everywhere (an ID file, the unique
      // check): ignoring the case of A-Z only, so Ärger and ärger may be two users.
      expect(ids('primary_id = "ärger"')).toEqual(['ärger']);
      expect(ids('primary_id = "ÄRGER"')).toEqual([]);
      expect(ids('primary_id IN ("ÄRGER")')).toEqual([]);
    } finally {
      db.prepare("DELETE FROM users WHERE primary_id = 'ärger'").run();
    }
  });

  it('AND binds tighter than OR; NOT and parentheses', () => {
    expect(ids('user_group = "GRAD" OR user_group = "FACULTY" AND expiry_date > 2027-01-01')).toEqual(['x4']);
    expect(ids('(user_group = "GRAD" OR user_group = "FACULTY") AND expiry_date < 2027-01-01')).toEqual(['0001', 'x4']);
    // NOT is two-valued: a user with no expiry date is not "expiring before 2027".
    expect(ids('NOT expiry_date < 2027-01-01')).toEqual(['0002', 'abc']);
    expect(ids('not (status = "ACTIVE")')).toEqual(['abc']);
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

  it('keeps hostile text out of SQL: values are parameters, fields come from a fixed list', () => {
    const hostile = `x"); DROP TABLE users; --`;
    const q = compileQuery(`primary_id = "${hostile.replace(/"/g, '\\"')}" OR last_name CONTAINS "'; DELETE FROM users; --"`, NOW);
    expect(q.sql).not.toMatch(/DROP|DELETE|--/);
    expect(q.params).toEqual([hostile, "'; DELETE FROM users; --"]);
    expect(ids(`last_name = "' OR 1=1 --"`)).toEqual([]);
    expect(ids(`role = "x' OR '1'='1@MAIN"`)).toEqual([]);
    expect(() => compileQuery('primary_id; DROP TABLE users = "x"', NOW)).toThrow(UsageError);
    expect(() => compileQuery('users.primary_id = "x"', NOW)).toThrow(/unexpected character "."/);
    expect(() => compileQuery('primary_id = "x" /* */', NOW)).toThrow(UsageError);
    expect(db.prepare('SELECT count(*) FROM users').pluck().get()).toBe(4);
  });

  it('parses keywords and field names in any case', () => {
    expect(parseQuery('USER_GROUP in ("GRAD") and Status = "active"')).toMatchObject({ kind: 'and' });
    expect(ids('USER_GROUP in ("GRAD") and Status = "active"')).toEqual(['x4']);
  });
});
