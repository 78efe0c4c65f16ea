import fs from 'node:fs';
import readline from 'node:readline';
import Database from 'better-sqlite3';

/**
 * The baselines of the sets suite, run as child processes of bench/sets.ts.
 *
 *   load DB FILE   the raw ceiling of building a set from an ID file: stream the file line
 *                  by line into a temporary table in one transaction, join it with users and
 *                  store the members, in plain better-sqlite3 (no checks, no report).
 *   eval DB hand|compiled QUERY-SET
 *                  a logical set's members, from the query written by hand in SQL or from
 *                  alma-users' compiled query (memberQuery); prints the time of the SELECT.
 */

const [mode, dbFile, arg, setName] = process.argv.slice(2);
if (!dbFile || !arg) throw new Error('usage: sets-ceiling load DB FILE | eval DB hand|compiled SET');
const db = new Database(dbFile);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');

// Top-level await is not CommonJS: the run is one async function, made after the checks above.
const main = async (): Promise<void> => {
  if (mode === 'load') {
    const setId = 'ceiling';
    const at = new Date().toISOString();
    db.prepare(`INSERT INTO sets (id, name, kind, owner, public, created_at, updated_at, updated_by)
      VALUES (?, 'ceiling', 'ITEMIZED', 'bench', 0, ?, ?, 'bench')`).run(setId, at, at);
    db.exec('CREATE TEMP TABLE ids (id TEXT NOT NULL COLLATE NOCASE)');
    const insert = db.prepare('INSERT INTO temp.ids (id) VALUES (?)');
    const rl = readline.createInterface({ input: fs.createReadStream(arg), crlfDelay: Infinity });
    db.exec('BEGIN');
    let first = true;
    for await (const line of rl) {
      if (first) {
        first = false;
        continue; // the header
      }
      insert.run(line);
    }
    db.exec('COMMIT');
    const added = db.prepare(`INSERT OR IGNORE INTO set_members (set_id, user_id)
      SELECT ?, u.id FROM temp.ids i JOIN users u ON u.primary_id = i.id`).run(setId).changes;
    process.stdout.write(JSON.stringify({ added }) + '\n');
  } else if (mode === 'eval') {
    let sql: string;
    let params: (string | number)[];
    if (arg === 'hand') {
      sql = `SELECT id AS user_id, primary_id FROM users
        WHERE job_category = 'Cataloger' AND user_group IN ('FACULTY', 'STAFF') AND expiry_date < '2029-01-01'`;
      params = [];
    } else {
      const { getSet, memberQuery } = await import('../src/app/sets.js');
      // A compiled query may call unicode_lower, which openStore registers on its connections.
      const { registerSqlFunctions } = await import('../src/store/sql-functions.js');
      registerSqlFunctions(db);
      ({ sql, params } = memberQuery(getSet(db, setName ?? '')));
    }
    const started = process.hrtime.bigint();
    let rows = 0;
    for (let i = 0; i < 5; i++) rows = db.prepare(sql).all(...params).length;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9 / 5;
    process.stdout.write(JSON.stringify({ seconds, rows }) + '\n');
  }
  db.close();
};

void main();
