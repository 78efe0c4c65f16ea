import fs from 'node:fs';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse';
import { migrations, sqlOf } from '../src/store/migrations/index.js';

/**
 * The ceilings of an import, run as their own processes by bench/import.ts: csv-parse
 * streaming the population CSV into one prepared INSERT inside one transaction, with the
 * store's journal pragmas. No validation, no code checks, no comparison with existing
 * users: what is left when all of that costs nothing.
 *
 *   plain      the same work written the simplest way: a table of the file's columns,
 *              keyed by primary_id, each cell inserted as it is read
 *   own-table  into a users table made by the store's own DDL (40 columns, its indexes),
 *              each row as the import stores it: the lists as the JSON the store keeps
 *              (an e-mail with its types, preferred and segment; a barcode with its status
 *              and segment; a role with its status, scope and parameters), the roles
 *              column's `role@scope` split as the import splits it
 *
 * Usage: node ceiling-import.js plain|own-table FILE.csv DB
 */

const [mode, file, dbFile] = process.argv.slice(2);
if ((mode !== 'plain' && mode !== 'own-table') || !file || !dbFile) throw new Error('usage: ceiling-import plain|own-table FILE.csv DB');

const db = new Database(dbFile);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
// Top-level await is not CommonJS: the run is one async function, made after the checks above.
const main = async (): Promise<void> => {
  const parser = fs.createReadStream(file).pipe(parse({ bom: true }));
  const rows = parser[Symbol.asyncIterator]() as AsyncIterator<string[]>;
  const header = (await rows.next()).value as string[];

  let insert: (r: string[]) => void;
  if (mode === 'plain') {
    db.exec(`CREATE TABLE users (${header.map((c, i) => `"${c}" TEXT${i === 0 ? ' PRIMARY KEY' : ''}`).join(', ')})`);
    const stmt = db.prepare(`INSERT INTO users VALUES (${header.map(() => '?').join(', ')})`);
    insert = (r) => stmt.run(r);
  } else {
    db.exec(sqlOf(migrations()[0]!));
    const at = new Date().toISOString();
    const stmt = db.prepare(`INSERT INTO users (primary_id, first_name, last_name, emails, user_group, job_category, record_type,
      account_type, external_id, status, expiry_date, purge_date, identifiers, roles, created_at, created_by, updated_at, updated_by)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'bench', ?, 'bench')`);
    const role = (r: string) => {
      const [name, scope] = r.split('@');
      return scope ? { role: name, scope, status: 'ACTIVE', parameters: [] } : { role: name, status: 'ACTIVE', parameters: [] };
    };
    insert = (r) => {
      const [id, first, last, email, group, job, recordType, accountType, externalId, status, expiry, purge, barcode, roles] = r;
      stmt.run(
        id, first || null, last || null, JSON.stringify([{ address: email, types: [], preferred: true, segment: 'Internal' }]),
        group || null, job || null, recordType, accountType, externalId || null, status, expiry || null, purge || null,
        JSON.stringify([{ type: 'BARCODE', value: barcode, status: 'ACTIVE', segment: 'Internal' }]),
        JSON.stringify((roles ?? '').split(';').map(role)), at, at,
      );
    };
  }

  let n = 0;
  db.exec('BEGIN');
  for (let r = await rows.next(); !r.done; r = await rows.next()) {
    insert(r.value);
    n++;
  }
  db.exec('COMMIT');
  db.close();
  process.stdout.write(`${n}\n`);
};

void main();
