import Database from 'better-sqlite3';

/**
 * The raw ceiling of the jobs suite, run as a child process of bench/jobs.ts: in plain
 * better-sqlite3, the same writes as `job run update-notify --add-role R --status S
 * --expiry-date D` on every member of a set, in bulks of the same size, one transaction
 * per bulk: each user's roles (JSON), status and expiry date updated, and one audit row
 * per user. No checks, no plan, no report. `frozen` also does what makes a job resumable
 * and its report whole, as the job does: a row in jobs, the members written to job_members
 * in their order before the first bulk, and the checkpoint (jobs.processed) moved in each
 * bulk's transaction. `bare` leaves that out (the ceiling before it was counted).
 *
 *   jobs-ceiling DB SET-NAME BULK-SIZE ROLE STATUS EXPIRY frozen|bare
 */

const [dbFile, setName, bulkText, role, status, expiry, mode] = process.argv.slice(2);
if (!dbFile || !setName || !bulkText || !role || !status || !expiry || (mode !== 'frozen' && mode !== 'bare')) {
  throw new Error('usage: jobs-ceiling DB SET-NAME BULK-SIZE ROLE STATUS EXPIRY frozen|bare');
}
const bulk = Number(bulkText);
const db = new Database(dbFile);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');

const setId = db.prepare('SELECT id FROM sets WHERE name = ?').pluck().get(setName) as string;
const members = db.prepare<[string], [number, string]>(
  'SELECT m.user_id, u.primary_id FROM set_members m JOIN users u ON u.id = m.user_id WHERE m.set_id = ? ORDER BY u.primary_id',
).raw().all(setId);
const ids = members.map(([id]) => id);
const read = db.prepare<[number], { primary_id: string; roles: string; status: string; expiry_date: string | null }>(
  'SELECT primary_id, roles, status, expiry_date FROM users WHERE id = ?',
);
const update = db.prepare('UPDATE users SET roles = ?, status = ?, status_date = ?, expiry_date = ?, updated_at = ?, updated_by = ? WHERE id = ?');
const audit = db.prepare('INSERT INTO audit (job_id, seq, user_id, primary_id, operator, reason, at, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
const today = new Date().toISOString().slice(0, 10);

const started = process.hrtime.bigint();
const jobId = 'ceiling';
const checkpoint = db.prepare('UPDATE jobs SET processed = ? WHERE id = ?');
if (mode === 'frozen') {
  db.transaction(() => {
    db.prepare(`INSERT INTO jobs (id, type, set_id, params, operator, status, stage, total, submitted_at)
      VALUES (?, 'update-notify', ?, '{}', 'bench-admin', 'Running', 'Processing', ?, ?)`).run(jobId, setId, ids.length, new Date().toISOString());
    // One INSERT...SELECT: a row at a time from the list above costs more.
    db.prepare(`INSERT INTO job_members (job_id, seq, user_id, primary_id)
      SELECT ?, row_number() OVER (ORDER BY u.primary_id) - 1, m.user_id, u.primary_id
        FROM set_members m JOIN users u ON u.id = m.user_id WHERE m.set_id = ?`).run(jobId, setId);
  })();
}
let written = 0;
for (let from = 0; from < ids.length; from += bulk) {
  const at = new Date().toISOString();
  db.transaction(() => {
    for (let i = from; i < Math.min(from + bulk, ids.length); i++) {
      const id = ids[i]!;
      const u = read.get(id)!;
      const roles = JSON.parse(u.roles) as unknown[];
      const added = { role, status: 'ACTIVE', parameters: [] };
      roles.push(added);
      update.run(JSON.stringify(roles), status, today, expiry, at, 'bench-admin', id);
      audit.run(mode === 'frozen' ? jobId : null, i, id, u.primary_id, 'bench-admin', null, at, JSON.stringify([
        { field: 'roles', key: role, before: null, after: added },
        { field: 'status', before: u.status, after: status },
        { field: 'expiry_date', before: u.expiry_date, after: expiry },
      ]));
      written++;
    }
    if (mode === 'frozen') checkpoint.run(Math.min(from + bulk, ids.length), jobId);
  }).immediate();
}
db.close();
process.stdout.write(JSON.stringify({ users: written, seconds: Number(process.hrtime.bigint() - started) / 1e9 }) + '\n');
