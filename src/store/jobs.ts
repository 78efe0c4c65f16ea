import type { Statement } from 'better-sqlite3';
import type { User } from '../domain/user.js';
import { LIST_FIELDS, SCALAR_FIELDS, type StoredUser } from '../domain/user-fields.js';
import type { Db } from './db.js';
import { rowToUser } from './users.js';

/**
 * Jobs, their frozen members, per-user issues and the audit trail, in SQLite. Statements
 * are prepared once: a job on a million users calls some of them a million times.
 */

export interface JobRow {
  id: string;
  type: string;
  name: string | null;
  set_id: string | null;
  set_name: string | null;
  params: string;
  operator: string;
  reason: string | null;
  status: string;
  stage: string;
  total: number;
  processed: number;
  counters: string;
  submitted_at: string;
  started_at: string | null;
  ended_at: string | null;
  pid: number | null;
  host: string | null;
  /** The boot of the machine the pid belongs to (a pid of an earlier boot is dead). */
  boot_id: string | null;
  cancel_requested: number;
  undo_of: string | null;
  error: string | null;
}

export type NewJob = Pick<
  JobRow, 'id' | 'type' | 'name' | 'set_id' | 'set_name' | 'params' | 'operator' | 'reason' | 'submitted_at' | 'counters' | 'undo_of' | 'pid' | 'host' | 'boot_id'
>;

/** The process that runs a job: every write of a running job is guarded by it. */
export interface JobOwner {
  pid: number;
  host: string;
  boot: string | null;
}

/** A frozen member with its user row, when the user still exists (columns of `users`, prefixed). */
export interface MemberRow {
  seq: number;
  member_user_id: number;
  member_primary_id: string;
  [column: string]: string | number | null;
}

export interface AuditRow {
  id: number;
  job_id: string | null;
  seq: number | null;
  user_id: number;
  primary_id: string;
  operator: string;
  reason: string | null;
  at: string;
  changes: string;
}

export interface IssueRow {
  seq: number;
  primary_id: string;
  severity: 'error' | 'warning';
  code: string;
  message: string;
}

function checkColumns(columns: readonly string[]): readonly string[] {
  for (const c of columns) if (!USER_COLUMNS.has(c)) throw new Error(`not a user column: ${c}`);
  return columns;
}

/** A user of only the columns read (see bulkMembers); the store wrote only what userSchema accepted. */
function userFromColumns(row: MemberRow): StoredUser {
  const u: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (k === 'seq' || k.startsWith('member_')) continue;
    if (LISTS.has(k)) u[k] = JSON.parse(String(v));
    else if (k === 'force_password_change') u[k] = v === 1;
    else if (v !== null) u[k] = v;
  }
  return u as unknown as StoredUser;
}

export interface ReportRow {
  seq: number;
  user_id: number;
  primary_id: string;
  changes: string | null;
  /** JSON array of {severity, code, message}; '[]' when none. */
  issues: string | null;
  /** The letter's status in the outbox, if the job queued one. */
  letter: string | null;
}

export interface ListFilter {
  running?: boolean;
  history?: boolean;
  limit?: number;
}

/** The user columns a job may read or write (never created_*, which a job does not change). */
const USER_COLUMNS = new Set<string>([...SCALAR_FIELDS, 'password_hash', ...LIST_FIELDS]);
const LISTS = new Set<string>(LIST_FIELDS);

export class JobStore {
  private readonly byId;
  private readonly bulkStatements = new Map<string, Statement<[string, number, number], MemberRow>>();
  private readonly writeStatements = new Map<string, Statement>();
  private readonly insertAuditStmt;
  private readonly insertIssueStmt;
  private readonly checkpointStmt;

  constructor(readonly db: Db) {
    this.byId = db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE id = ?');
    this.insertAuditStmt = db.prepare(
      'INSERT INTO audit (job_id, seq, user_id, primary_id, operator, reason, at, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertIssueStmt = db.prepare('INSERT INTO job_issues (job_id, seq, primary_id, severity, code, message) VALUES (?, ?, ?, ?, ?, ?)');
    this.checkpointStmt = db.prepare(
      "UPDATE jobs SET processed = ?, counters = ? WHERE id = ? AND processed = ? AND pid = ? AND host = ? AND status = 'Running'",
    );
  }

  insert(j: NewJob): void {
    this.db
      .prepare(
        `INSERT INTO jobs (id, type, name, set_id, set_name, params, operator, reason, status, stage, submitted_at, counters, undo_of, pid, host, boot_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'Pending', 'Pending', ?, ?, ?, ?, ?, ?)`,
      )
      .run(j.id, j.type, j.name, j.set_id, j.set_name, j.params, j.operator, j.reason, j.submitted_at, j.counters, j.undo_of, j.pid, j.host, j.boot_id);
  }

  get(id: string): JobRow | undefined {
    return this.byId.get(id);
  }

  /** Job ids by a prefix, as git takes an abbreviated commit: at most two, to tell ambiguity. */
  byPrefix(prefix: string): JobRow[] {
    return this.db
      .prepare<[string], JobRow>("SELECT * FROM jobs WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT 2")
      .all(prefix.replace(/[\\%_]/g, (c) => '\\' + c) + '%');
  }

  /** The job holding a set (Pending or Running), if any. */
  holder(setId: string): JobRow | undefined {
    return this.db
      .prepare<[string], JobRow>("SELECT * FROM jobs WHERE set_id = ? AND status IN ('Pending', 'Running') ORDER BY submitted_at LIMIT 1")
      .get(setId);
  }

  /**
   * Makes `owner` the job's running process, if the job is in one of the `from` statuses
   * and was never undone: one UPDATE, so of two processes claiming the same job exactly
   * one succeeds. A cancel requested while the job was Pending is kept; one left from an
   * earlier run (the job was not holding since) is cleared.
   */
  claim(id: string, owner: JobOwner, at: string, from: readonly string[]): boolean {
    return this.db
      .prepare(
        `UPDATE jobs SET status = 'Running', pid = ?, host = ?, boot_id = ?, started_at = coalesce(started_at, ?), ended_at = NULL, error = NULL,
                cancel_requested = CASE WHEN status = 'Pending' THEN cancel_requested ELSE 0 END
          WHERE id = ? AND status IN (${from.map(() => '?').join(', ')})
            AND NOT EXISTS (SELECT 1 FROM jobs u WHERE u.undo_of = jobs.id)`,
      )
      .run(owner.pid, owner.host, owner.boot, at, id, ...from).changes === 1;
  }

  /** Whether `owner` still runs the job (nobody declared it dead and took it over). */
  owns(id: string, owner: JobOwner): boolean {
    return this.db
      .prepare("SELECT 1 FROM jobs WHERE id = ? AND status = 'Running' AND pid = ? AND host = ?")
      .pluck().get(id, owner.pid, owner.host) === 1;
  }

  setStage(id: string, stage: string, owner: JobOwner): boolean {
    return this.db
      .prepare("UPDATE jobs SET stage = ? WHERE id = ? AND status = 'Running' AND pid = ? AND host = ?")
      .run(stage, id, owner.pid, owner.host).changes === 1;
  }

  /**
   * Freezes the members: the SELECT's (user_id, primary_id) rows, numbered in primary-ID
   * order. Returns how many.
   */
  freezeMembers(id: string, select: { sql: string; params: unknown[] }): number {
    this.db.prepare('DELETE FROM job_members WHERE job_id = ?').run(id);
    const r = this.db
      .prepare(
        `INSERT INTO job_members (job_id, seq, user_id, primary_id)
         SELECT ?, row_number() OVER (ORDER BY m.primary_id COLLATE NOCASE, m.user_id) - 1, m.user_id, m.primary_id
           FROM (${select.sql}) AS m`,
      )
      .run(id, ...select.params);
    this.db.prepare('UPDATE jobs SET total = ?, processed = 0 WHERE id = ?').run(r.changes, id);
    return r.changes;
  }

  /**
   * Members seq in [from, to), each with its user: whole, or only `columns` (plus id and
   * primary_id) when the job needs no more; undefined when the user is gone. Building a
   * user object of every column costs several times what reading four does, and a job on a
   * million users does it a million times.
   */
  bulkMembers(id: string, from: number, to: number, columns?: readonly string[]): { seq: number; userId: number; primaryId: string; user: StoredUser | undefined }[] {
    const key = columns ? columns.join(',') : '*';
    let stmt = this.bulkStatements.get(key);
    if (!stmt) {
      const cols = columns ? ['id', 'primary_id', ...checkColumns(columns)].map((c) => `u.${c}`).join(', ') : 'u.*';
      stmt = this.db.prepare<[string, number, number], MemberRow>(
        `SELECT m.seq, m.user_id AS member_user_id, m.primary_id AS member_primary_id, ${cols}
           FROM job_members m LEFT JOIN users u ON u.id = m.user_id
          WHERE m.job_id = ? AND m.seq >= ? AND m.seq < ? ORDER BY m.seq`,
      );
      this.bulkStatements.set(key, stmt);
    }
    return stmt.all(id, from, to).map((row) => ({
      seq: row.seq,
      userId: row.member_user_id,
      primaryId: row.member_primary_id,
      user: row.id === null ? undefined : columns ? userFromColumns(row) : rowToUser(row),
    }));
  }

  /** The users of a member SELECT (user_id, primary_id), in primary-ID order, as bulkMembers reads them; streamed. */
  *selectedUsers(select: { sql: string; params: unknown[] }, columns?: readonly string[]): Generator<StoredUser> {
    const cols = columns ? ['id', 'primary_id', ...checkColumns(columns)].map((c) => `u.${c}`).join(', ') : 'u.*';
    const stmt = this.db.prepare<unknown[], MemberRow>(
      `SELECT ${cols} FROM users u JOIN (${select.sql}) AS m ON m.user_id = u.id ORDER BY u.primary_id COLLATE NOCASE, u.id`,
    );
    for (const row of stmt.iterate(...select.params)) yield columns ? userFromColumns(row) : rowToUser(row);
  }

  /** Writes these columns of a user and its updated_at/by; the others, and their indexes, are left alone. */
  writeUser(id: number, user: User, columns: readonly string[], actor: string, at: string): void {
    const key = columns.join(',');
    let stmt = this.writeStatements.get(key);
    if (!stmt) {
      stmt = this.db.prepare(`UPDATE users SET ${checkColumns(columns).map((c) => `${c} = ?`).join(', ')}, updated_at = ?, updated_by = ? WHERE id = ?`);
      this.writeStatements.set(key, stmt);
    }
    const u = user as unknown as Record<string, unknown>;
    const values = columns.map((c) => {
      const v = u[c];
      if (c === 'force_password_change') return v ? 1 : 0;
      if (v === undefined) return null;
      return LISTS.has(c) ? JSON.stringify(v) : (v as string);
    });
    stmt.run(...values, at, actor, id);
  }

  insertAudit(a: Omit<AuditRow, 'id'>): void {
    this.insertAuditStmt.run(a.job_id, a.seq, a.user_id, a.primary_id, a.operator, a.reason, a.at, a.changes);
  }

  insertIssue(jobId: string, seq: number, primaryId: string, severity: string, code: string, message: string): void {
    this.insertIssueStmt.run(jobId, seq, primaryId, severity, code, message);
  }

  /**
   * Moves the checkpoint from `from` to `to`, only while `owner` runs the job and nobody
   * moved it meanwhile; false means the bulk must roll back and this process stop.
   */
  checkpoint(id: string, from: number, to: number, counters: string, owner: JobOwner): boolean {
    return this.checkpointStmt.run(to, counters, id, from, owner.pid, owner.host).changes === 1;
  }

  /** Ends the job with a final status, only while `owner` runs it; false: someone else does. */
  finish(id: string, owner: JobOwner, status: string, at: string, error: string | null = null, counters?: string): boolean {
    return this.db
      .prepare(
        `UPDATE jobs SET status = ?, ended_at = ?, error = ?, pid = NULL, counters = coalesce(?, counters)
          WHERE id = ? AND status = 'Running' AND pid = ? AND host = ?`,
      )
      .run(status, at, error, counters ?? null, id, owner.pid, owner.host).changes === 1;
  }

  /**
   * Ends a job whose process a person knows is dead (another host, no boot id to judge by):
   * Aborted by System, resumable. Only a job still Pending or Running as it was read.
   */
  abandon(id: string, pid: number | null, at: string, error: string): boolean {
    return this.db
      .prepare("UPDATE jobs SET status = 'Aborted by System', ended_at = ?, error = ?, pid = NULL WHERE id = ? AND status IN ('Pending', 'Running') AND pid IS ?")
      .run(at, error, id, pid).changes === 1;
  }

  cancelRequested(id: string): boolean {
    return this.db.prepare('SELECT cancel_requested FROM jobs WHERE id = ?').pluck().get(id) === 1;
  }

  /** Asks a Pending or Running job to stop after its bulk; false when it is not (or no longer) holding. */
  requestCancel(id: string): boolean {
    return this.db.prepare("UPDATE jobs SET cancel_requested = 1 WHERE id = ? AND status IN ('Pending', 'Running')").run(id).changes === 1;
  }

  list(f: ListFilter): JobRow[] {
    const where = f.running ? "WHERE status IN ('Pending', 'Running')" : f.history ? "WHERE status NOT IN ('Pending', 'Running')" : '';
    return this.db
      .prepare<[number], JobRow>(`SELECT * FROM jobs ${where} ORDER BY submitted_at DESC, rowid DESC LIMIT ?`)
      .all(f.limit ?? -1);
  }

  /** Errors and warnings grouped by reason, the commonest first. */
  issuesGrouped(id: string): { severity: string; code: string; message: string; users: number }[] {
    return this.db
      .prepare<[string], { severity: string; code: string; message: string; users: number }>(
        `SELECT severity, code, message, count(*) AS users FROM job_issues WHERE job_id = ?
          GROUP BY severity, code, message ORDER BY severity, users DESC, message`,
      )
      .all(id);
  }

  /** Per member, in processing order: its audit row, issues and letter (streamed). */
  *reportRows(id: string): Generator<ReportRow> {
    const stmt = this.db.prepare<[string], ReportRow>(
      `SELECT m.seq, m.user_id, m.primary_id, a.changes,
              (SELECT json_group_array(json_object('severity', i.severity, 'code', i.code, 'message', i.message))
                 FROM job_issues i WHERE i.job_id = m.job_id AND i.seq = m.seq) AS issues,
              o.status AS letter
         FROM job_members m
         LEFT JOIN audit a ON a.job_id = m.job_id AND a.seq = m.seq
         LEFT JOIN outbox o ON o.job_id = m.job_id AND o.user_id = m.user_id
        WHERE m.job_id = ? ORDER BY m.seq`,
    );
    yield* stmt.iterate(id);
  }

  /** The users a job changed (one audit row each), as a member SELECT: an undo's members. */
  auditMembers(jobId: string): { sql: string; params: unknown[] } {
    return { sql: 'SELECT user_id, primary_id FROM audit WHERE job_id = ?', params: [jobId] };
  }

  /** How many users a job changed. */
  auditCount(jobId: string): number {
    return this.db.prepare('SELECT count(*) FROM audit WHERE job_id = ?').pluck().get(jobId) as number;
  }

  auditOf(jobId: string, userId: number): AuditRow | undefined {
    return this.db.prepare<[string, number], AuditRow>('SELECT * FROM audit WHERE job_id = ? AND user_id = ? ORDER BY id LIMIT 1').get(jobId, userId);
  }

  /** Audit rows of a user written after `afterId`: the later changes an undo must respect. */
  laterAudit(userId: number, afterId: number): AuditRow[] {
    return this.db.prepare<[number, number], AuditRow>('SELECT * FROM audit WHERE user_id = ? AND id > ? ORDER BY id').all(userId, afterId);
  }

  /** Every change to a user, oldest first, with the job it came from. */
  history(userId: number): (AuditRow & { job_type: string | null; job_name: string | null })[] {
    return this.db
      .prepare<[number], AuditRow & { job_type: string | null; job_name: string | null }>(
        `SELECT a.*, j.type AS job_type, j.name AS job_name FROM audit a LEFT JOIN jobs j ON j.id = a.job_id
          WHERE a.user_id = ? ORDER BY a.id`,
      )
      .all(userId);
  }

  /** The undo jobs of a job, newest first. */
  undosOf(id: string): JobRow[] {
    return this.db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE undo_of = ? ORDER BY submitted_at DESC').all(id);
  }
}
