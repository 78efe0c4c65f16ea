import fs from 'node:fs';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse';

/**
 * The raw ceiling of the sync suite, run as a child process of bench/sync.ts: plain
 * better-sqlite3 reading the same SIS file (csv-parse, streamed) against the same store,
 * and writing the same rows: each user whose last name or expiry date differs is updated,
 * with one audit row, in transactions of 2,000 records (the sync's batch). No validation,
 * no protected fields, no segments, no report.   Usage: sync-ceiling DB FILE.csv
 */

const [dbFile, file] = process.argv.slice(2);
if (!dbFile || !file) throw new Error('usage: sync-ceiling DB FILE.csv');
const db = new Database(dbFile);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');

const read = db.prepare<[string], { id: number; primary_id: string; last_name: string | null; expiry_date: string | null }>(
  'SELECT id, primary_id, last_name, expiry_date FROM users WHERE primary_id = ?',
);
const update = db.prepare('UPDATE users SET last_name = ?, expiry_date = ?, updated_at = ?, updated_by = ? WHERE id = ?');
const audit = db.prepare('INSERT INTO audit (job_id, seq, user_id, primary_id, operator, reason, at, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');

let seq = 0;
let updated = 0;
let batch: string[][] = [];
const flush = () => {
  const at = new Date().toISOString();
  db.transaction(() => {
    for (const [id, , last, , , , , , , , expiry] of batch) {
      seq++;
      const u = read.get(id!);
      if (!u || (u.last_name === last && u.expiry_date === expiry)) continue;
      update.run(last, expiry, at, 'bench-admin', u.id);
      audit.run(null, seq, u.id, u.primary_id, 'bench-admin', 'users sync', at, JSON.stringify([
        { field: 'last_name', before: u.last_name, after: last },
        { field: 'expiry_date', before: u.expiry_date, after: expiry },
      ]));
      updated++;
    }
  }).immediate();
  batch = [];
};
for await (const r of fs.createReadStream(file).pipe(parse({ bom: true, from_line: 2 })) as AsyncIterable<string[]>) {
  batch.push(r);
  if (batch.length >= 2000) flush();
}
if (batch.length) flush();
db.close();
process.stdout.write(JSON.stringify({ records: seq, updated }) + '\n');
