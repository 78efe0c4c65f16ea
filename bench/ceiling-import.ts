import fs from 'node:fs';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse';
import { sql as usersDdl } from '../src/store/migrations/001-users-and-codes.js';

/**
 * The raw ceiling of an import, run as its own process by bench/import.ts: csv-parse
 * streaming into one prepared INSERT inside one transaction, into a users table made by
 * the store's own DDL (same columns, same indexes), with the store's pragmas. No
 * validation, no code checks, no comparison with existing users: what is left when all
 * of that costs nothing.  Usage: node ceiling-import.js FILE.csv DB
 */

const [file, dbFile] = process.argv.slice(2);
if (!file || !dbFile) throw new Error('usage: ceiling-import FILE.csv DB');

const db = new Database(dbFile);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(usersDdl);

const at = new Date().toISOString();
const insert = db.prepare(`INSERT INTO users (primary_id, first_name, last_name, emails, user_group, job_category, record_type,
  account_type, external_id, status, expiry_date, purge_date, identifiers, roles, created_at, created_by, updated_at, updated_by)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'bench', ?, 'bench')`);

const parser = fs.createReadStream(file).pipe(parse({ bom: true, from_line: 2 }));
let n = 0;
db.exec('BEGIN');
for await (const r of parser as AsyncIterable<string[]>) {
  const [id, first, last, email, group, job, recordType, accountType, externalId, status, expiry, purge, barcode, roles] = r;
  insert.run(
    id, first || null, last || null, JSON.stringify([{ address: email }]), group || null, job || null, recordType,
    accountType, externalId || null, status, expiry || null, purge || null, JSON.stringify([{ type: 'BARCODE', value: barcode }]),
    JSON.stringify((roles ?? '').split(';').map((role) => ({ role }))), at, at,
  );
  n++;
}
db.exec('COMMIT');
db.close();
process.stdout.write(`${n}\n`);
