import fs from 'node:fs';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse';

/**
 * The raw ceilings of the sync suite, run as child processes of bench/sync.ts: plain
 * better-sqlite3 streaming the same SIS file (csv-parse) against a copy of the same store,
 * in transactions of 2,000 records (the sync's batch), with no validation, no code tables,
 * no protected fields, no segments and no report.
 * - `all-fields`: the same work as `users sync` written the simplest way. It reads each
 *   record's user by primary ID, checks that it is an external user of the profile,
 *   compares every field the file carries (the e-mail and the barcode inside their JSON
 *   lists; roles are never synced), and for a user that differs writes the file's values
 *   and one audit row naming the changed fields; every record gets its job_members row.
 *   Like the sync, it does not know beforehand which fields changed.
 * - `known-columns`: the lower bound the suite used first: it reads and compares only the
 *   two columns the bench's next-term file changes, and writes no job_members rows.
 * Usage: sync-ceiling all-fields|known-columns DB FILE.csv PROFILE
 */

const [mode, dbFile, file, profile] = process.argv.slice(2);
if ((mode !== 'all-fields' && mode !== 'known-columns') || !dbFile || !file || !profile) {
  throw new Error('usage: sync-ceiling all-fields|known-columns DB FILE.csv PROFILE');
}
const db = new Database(dbFile);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');

/** The file's columns that are user columns as they are (e-mail, barcode and roles are not). */
const PLAIN = ['first_name', 'last_name', 'user_group', 'job_category', 'record_type', 'status', 'expiry_date', 'purge_date'] as const;
type Stored = Record<(typeof PLAIN)[number] | 'id' | 'primary_id' | 'account_type' | 'external_id' | 'emails' | 'identifiers', string | number | null>;

const read = db.prepare<[string], Stored>(
  `SELECT id, primary_id, account_type, external_id, emails, identifiers, ${PLAIN.join(', ')} FROM users WHERE primary_id = ?`,
);
const update = db.prepare(
  `UPDATE users SET ${PLAIN.map((c) => `${c} = ?`).join(', ')}, emails = ?, identifiers = ?, updated_at = ?, updated_by = ? WHERE id = ?`,
);
const audit = db.prepare('INSERT INTO audit (job_id, seq, user_id, primary_id, operator, reason, at, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
const jobId = 'ceiling';
db.prepare("INSERT INTO jobs (id, type, name, status, stage, operator, submitted_at, params) VALUES (?, 'sync', 'ceiling', 'Running', 'Processing', 'bench-admin', ?, '{}')")
  .run(jobId, new Date().toISOString());
const member = db.prepare('INSERT INTO job_members (job_id, seq, user_id, primary_id) VALUES (?, ?, ?, ?)');

let seq = 0;
let updated = 0;
let rejected = 0;
let batch: Record<string, string>[] = [];

const knownRead = db.prepare<[string], { id: number; primary_id: string; last_name: string | null; expiry_date: string | null }>(
  'SELECT id, primary_id, last_name, expiry_date FROM users WHERE primary_id = ?',
);
const knownUpdate = db.prepare('UPDATE users SET last_name = ?, expiry_date = ?, updated_at = ?, updated_by = ? WHERE id = ?');
const knownColumns = () => {
  const at = new Date().toISOString();
  db.transaction(() => {
    for (const r of batch) {
      seq++;
      const u = knownRead.get(r.primary_id!);
      if (!u || (u.last_name === r.last_name && u.expiry_date === r.expiry_date)) continue;
      knownUpdate.run(r.last_name, r.expiry_date, at, 'bench-admin', u.id);
      audit.run(jobId, seq, u.id, u.primary_id, 'bench-admin', 'users sync', at, JSON.stringify([
        { field: 'last_name', before: u.last_name, after: r.last_name },
        { field: 'expiry_date', before: u.expiry_date, after: r.expiry_date },
      ]));
      updated++;
    }
  }).immediate();
  batch = [];
};

const allFields = () => {
  const at = new Date().toISOString();
  db.transaction(() => {
    for (const r of batch) {
      const u = read.get(r.primary_id!);
      if (!u || u.account_type !== 'EXTERNAL' || u.external_id !== profile) {
        rejected++;
        member.run(jobId, seq++, u?.id ?? 0, r.primary_id);
        continue;
      }
      const changes: { field: string; before: unknown; after: unknown }[] = [];
      for (const c of PLAIN) {
        const after = r[c] || null;
        if (u[c] !== after) changes.push({ field: c, before: u[c], after });
      }
      const emails = JSON.parse(String(u.emails)) as { address: string }[];
      if ((emails[0]?.address ?? '') !== r.email) changes.push({ field: 'emails', before: emails, after: [{ address: r.email }] });
      const ids = JSON.parse(String(u.identifiers)) as { value: string }[];
      if ((ids[0]?.value ?? '') !== r.barcode) changes.push({ field: 'identifiers', before: ids, after: [{ value: r.barcode }] });
      if (changes.length) {
        const email = changes.some((c) => c.field === 'emails') ? JSON.stringify([{ address: r.email, preferred: true, segment: 'External' }]) : u.emails;
        const barcode = changes.some((c) => c.field === 'identifiers') ? JSON.stringify([{ type: 'BARCODE', value: r.barcode, segment: 'External' }]) : u.identifiers;
        update.run(...PLAIN.map((c) => r[c] || null), email, barcode, at, 'bench-admin', u.id);
        audit.run(jobId, seq, u.id, u.primary_id, 'bench-admin', 'users sync', at, JSON.stringify(changes));
        updated++;
      }
      member.run(jobId, seq++, u.id, u.primary_id);
    }
  }).immediate();
  batch = [];
};
const flush = mode === 'all-fields' ? allFields : knownColumns;
// Top-level await is not CommonJS: the run is one async function, made after the checks above.
const main = async (): Promise<void> => {
  for await (const r of fs.createReadStream(file).pipe(parse({ bom: true, columns: true })) as AsyncIterable<Record<string, string>>) {
    batch.push(r);
    if (batch.length >= 2000) flush();
  }
  if (batch.length) flush();
  db.close();
  process.stdout.write(JSON.stringify({ records: seq, updated, rejected }) + '\n');
};

void main();
