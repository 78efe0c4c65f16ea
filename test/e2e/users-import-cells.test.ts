import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newUserPlan } from '../../src/app/import-cells.js';
import { loadCodeBook } from '../../src/store/codes.js';
import { openStore } from '../../src/store/db.js';
import { columnName } from '../../src/io/users-csv.js';
import { userStores, type ImportReport } from '../helpers/users.js';

/**
 * New users built straight from a CSV row's cells (app/import-cells.ts) against the general
 * path, which reads the row into a record, lays it onto no user, checks it and resolves its
 * codes. The plan takes no file with a JSON list column, so the same rows with an empty
 * `notes` column added go the general way: both imports must report and store the same.
 */

const store = userStores();

/**
 * Values a column may hold: plain ones the plan builds users of (first: mostly drawn), and
 * others, each a kind of value the plan must leave to the general path or get right.
 */
const TEXT = { plain: ['Ada', 'Müller', "O'Brien", 'Smith, Jr', '😀', '=1+2'], other: [' Ada ', '', 'x\ty', "'=1+2", '\u0085x', '\u00a0Ada'] };
const VALUES: Record<string, { plain: readonly string[]; other: readonly string[] }> = {
  // {} is the run's own prefix, so that runs share two stores without meeting; # the row's number.
  primary_id: {
    plain: ['{}#', '{}#', "'{}#", '{}0042', '{}existing'],
    other: [' {}0042 ', "'{}0042", '{}AB-1', '{}ab-1', '', "'", `{}${'x'.repeat(253)}`, '{}a\u0007b', '{}é'],
  },
  first_name: TEXT, last_name: TEXT, middle_name: TEXT, gender: TEXT,
  user_group: { plain: ['GRAD', 'STAFF'], other: ['grad', 'Undergraduate', 'NOPE', '', ' STAFF '] },
  job_category: { plain: ['Cataloger'], other: ['cataloger', ''] },
  user_title: { plain: ['Dr', 'Prof'], other: ['Dr.', 'dr', ''] },
  campus_code: { plain: ['MAIN'], other: ['main', ''] },
  record_type: { plain: ['PUBLIC', 'STAFF', 'public'], other: ['BAD', ''] },
  account_type: { plain: ['INTERNAL', 'external'], other: [''] },
  status: { plain: ['ACTIVE', 'inactive'], other: ['gone', ''] },
  expiry_date: { plain: ['2027-02-28', '2028-02-29'], other: ['2027-02-30', '28/02/2027', '2027-02-28T00:00:00Z', ''] },
  birth_date: { plain: ['1990-01-31'], other: ['1899-12-31', ''] },
  email: { plain: ['a@b.edu'], other: [' a@b.edu ', 'not an address', ''] },
  phone: { plain: ['555 1234'], other: [''] },
  barcode: { plain: ['B1', "'007"], other: ["'", '', 'b\u0001'] },
  roles: {
    plain: ['patron', 'patron;cataloger@MAIN', 'requests-operator@SCIENCE', 'patron@INSTITUTION', 'patron@myinst', 'patron;patron', 'user-administrator'],
    other: ['cataloger@main', 'patron@institution', 'Patron', '200', 'circulation-desk-operator', 'nope', ';', '@MAIN', '[{"role":"patron"}]', ''],
  },
};
const NAMES = ['primary_id', 'first_name', 'last_name'];
const COLUMNS = Object.keys(VALUES).filter((c) => !NAMES.includes(c));

/** A CSV cell as a spreadsheet writes it: quoted only when it must be. */
const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csv = (header: string[], rows: string[][]) => [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';

const file = fc.shuffledSubarray(COLUMNS).chain((cols) => {
  const header = [...NAMES, ...cols];
  const row = fc.tuple(...header.map((c) => fc.oneof({ arbitrary: fc.constantFrom(...VALUES[c]!.plain), weight: 8 }, { arbitrary: fc.constantFrom(...VALUES[c]!.other), weight: 1 })));
  return fc.record({
    header: fc.constant(header),
    rows: fc.array(row, { minLength: 1, maxLength: 6 }),
    manager: fc.boolean(),
    options: fc.constantFrom([], [], ['--add-missing-codes'], ['--roles', 'replace'], ['--dry-run']),
  });
});

/** A report, less the file names (each store reads its own copy). */
const outcome = (r: ImportReport | undefined) => ({
  counts: [r?.created, r?.updated, r?.unchanged, r?.rejected, r?.superseded, r?.roles_removed],
  rejections: r?.rejections.map(({ line, record, primary_id, reason }) => ({ line, record, primary_id, reason })),
  superseded: r?.superseded_records.map((x) => [x.primary_id, x.superseded.split(':').pop(), x.by.split(':').pop()]),
  samples: r?.samples.map((x) => ({ ...x, at: x.at.split(':').pop() })),
  codes_added: r?.codes_added,
});

/**
 * The users of these primary IDs as the store holds them, less the times: read from the
 * file, since no command shows the stored JSON as it is (its key order decides whether a
 * rerun finds a user unchanged).
 */
function storedRows(db: string, ids: Iterable<string>): unknown[] {
  const d = new Database(db, { readonly: true });
  try {
    const one = d.prepare('SELECT * FROM users WHERE primary_id = ?');
    const all = [...ids].map((id) => one.get(id) as Record<string, unknown> | undefined).map((r) => r && { ...r, created_at: 0, updated_at: 0 });
    return [d.prepare('SELECT count(*) FROM users').pluck().get(), ...all];
  } finally {
    d.close();
  }
}

describe('users import: new users straight from the cells', () => {
  it('reports and stores what the general path does, row for row', async () => {
    const [fast, general] = [await store(), await store()];
    // A User Manager, an institution code, and a user of each run already in the stores.
    const setup = 'primary_id,first_name,last_name,record_type,roles\nmgr,Uma,Manager,STAFF,user-manager\n';
    for (const s of [fast, general]) {
      expect((await s.run(['users', 'import', s.file('setup.csv', setup)])).code).toBe(0);
      expect((await s.run(['config', 'set', 'institution.code', 'MYINST'])).code).toBe(0);
    }
    const db = openStore(fast.db);
    const book = loadCodeBook(db);
    db.close();
    let run = 0;
    let planned = 0;
    await fc.assert(fc.asyncProperty(file, async ({ header, rows, manager, options }) => {
      const prefix = `r${++run}-`;
      const cells = rows.map((r, n) => r.map((v, i) => (header[i] === 'primary_id' ? v.replace('{}', prefix).replace('#', `row${n}`) : v)));
      const operator = manager ? ['--operator', 'mgr'] : [];
      const reports = [];
      for (const [s, withNotes] of [[fast, false], [general, true]] as const) {
        const existing = `primary_id,first_name,last_name,user_group\n${prefix}existing,Eve,Existing,STAFF\n`;
        expect((await s.run(['users', 'import', s.file('existing.csv', existing)])).code).toBe(0);
        const text = withNotes ? csv([...header, 'notes'], cells.map((r) => [...r, ''])) : csv(header, cells);
        reports.push(await s.json([...operator, 'users', 'import', ...options, s.file(`run${run}.csv`, text)]));
      }
      expect(reports[0]!.code).toBe(reports[1]!.code);
      expect(outcome(reports[0]!.report)).toEqual(outcome(reports[1]!.report));
      const ids = cells.map((r) => r[0]!.trim().replace(/^'/, '').trim());
      // Rows the plan builds a user of, with an ID no other row of the run gives (a repeated one takes the general path).
      const plan = newUserPlan(header, book)!;
      planned += cells.filter((r, i) => plan(r) && ids.filter((id) => id.toLowerCase() === ids[i]!.toLowerCase()).length === 1).length;
      const shown = [`${prefix}existing`, ...ids.filter(Boolean)];
      expect(storedRows(fast.db, shown)).toEqual(storedRows(general.db, shown));
    }), { seed: 7, numRuns: 80 });
    // The property says something only if the plan built many of the users.
    expect(planned).toBeGreaterThan(60);
  });
});

describe('the plan of a file', () => {
  const book = async () => {
    const s = await store();
    const db = openStore(s.db);
    try {
      return loadCodeBook(db);
    } finally {
      db.close();
    }
  };
  const HEADER = 'primary_id,first_name,last_name,email,user_group,job_category,record_type,account_type,external_id,status,expiry_date,purge_date,barcode,roles';

  it('builds the users of an SIS export, and leaves to the general path what it is not sure of', async () => {
    const plan = newUserPlan(HEADER.split(',').map(columnName), await book())!;
    expect(plan).toBeDefined();
    const row = (change: Record<number, string> = {}) =>
      Object.assign('0000042,Ada,Lovelace,u42@example.edu,GRAD,Cataloger,PUBLIC,INTERNAL,SIS,ACTIVE,2027-02-28,2028-02-28,B42,patron;cataloger@MAIN'.split(','), change);
    expect(plan(row())).toMatchObject({
      primary_id: '0000042', user_group: 'GRAD', expiry_date: '2027-02-28',
      emails: [{ address: 'u42@example.edu', types: [], preferred: true, segment: 'Internal' }],
      identifiers: [{ type: 'BARCODE', value: 'B42', status: 'ACTIVE', segment: 'Internal' }],
      roles: [{ role: 'patron', status: 'ACTIVE', parameters: [] }, { role: 'cataloger', scope: 'MAIN', status: 'ACTIVE', parameters: [] }],
    });
    expect(plan(row({ 0: "'0000042 " }))?.primary_id).toBe('0000042');
    expect(plan(row({ 13: 'patron@INSTITUTION' }))?.roles).toEqual([{ role: 'patron', status: 'ACTIVE', parameters: [] }]);
    // A code in another case or by its description, a date in another form, a control
    // character, a role that needs parameters, a missing name: the general path resolves or rejects each.
    for (const change of <Record<number, string>[]>[{ 4: 'grad' }, { 4: 'Graduate' }, { 10: '28/02/2027' }, { 1: 'A\u0007da' }, { 13: 'circulation-desk-operator' }, { 2: '' }, { 13: '200' }]) {
      expect(plan(row(change)), JSON.stringify(change)).toBeUndefined();
    }
  });

  it('is not made for a file with a column it does not read', async () => {
    const b = await book();
    for (const extra of ['password', 'notes', 'force_password_change', 'rs_libraries', 'roles']) {
      const plan = newUserPlan(['primary_id', 'first_name', 'last_name', extra], b);
      expect(plan === undefined, extra).toBe(extra !== 'roles');
    }
  });
});
