import type { AuditEntry, UndoAudit } from '../domain/jobs/undo.js';
import type { Db } from './db.js';
import type { MemberSelect } from './job-members.js';
import type { User } from '../domain/user.js';
import { UserRecords } from './user-records.js';

/**
 * The audit trail: one row per user per job (or import, or letter reissue) that changed
 * it, with the field changes. `users history`, `job report` and `job undo` read it.
 */

export interface AuditRow extends AuditEntry {
  seq: number | null;
  user_id: number;
  primary_id: string;
  operator: string;
  reason: string | null;
  at: string;
}

export type HistoryRow = AuditRow & { job_type: string | null; job_name: string | null };

export class AuditTrail implements UndoAudit {
  private readonly insertStmt;
  private records: UserRecords | undefined;

  constructor(readonly db: Db) {
    this.insertStmt = db.prepare(
      'INSERT INTO audit (job_id, seq, user_id, primary_id, operator, reason, at, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  insert(a: Omit<AuditRow, 'id'>): void {
    this.insertStmt.run(a.job_id, a.seq, a.user_id, a.primary_id, a.operator, a.reason, a.at, a.changes);
  }

  of(jobId: string, userId: number): AuditRow | undefined {
    return this.db.prepare<[string, number], AuditRow>('SELECT * FROM audit WHERE job_id = ? AND user_id = ? ORDER BY id LIMIT 1').get(jobId, userId);
  }

  later(userId: number, afterId: number): AuditRow[] {
    return this.db.prepare<[number, number], AuditRow>('SELECT * FROM audit WHERE user_id = ? AND id > ? ORDER BY id').all(userId, afterId);
  }

  /** Every change to a user, oldest first, with the job it came from. */
  history(userId: number): HistoryRow[] {
    return this.db
      .prepare<[number], HistoryRow>(
        `SELECT a.*, j.type AS job_type, j.name AS job_name FROM audit a LEFT JOIN jobs j ON j.id = a.job_id
          WHERE a.user_id = ? ORDER BY a.id`,
      )
      .all(userId);
  }

  /** The users a job changed (one audit row each), as a member SELECT: an undo's members. */
  changedBy(jobId: string): MemberSelect {
    return { sql: 'SELECT user_id, primary_id FROM audit WHERE job_id = ?', params: [jobId] };
  }

  /** A record the job deleted, while it is kept (store/user-records.ts). */
  archived(jobId: string, userId: number): User | undefined {
    return (this.records ??= new UserRecords(this.db)).archived(jobId, userId);
  }

  exists(primaryId: string): boolean {
    return (this.records ??= new UserRecords(this.db)).exists(primaryId);
  }

  /** How many users a job changed. */
  countChangedBy(jobId: string): number {
    return this.db.prepare('SELECT count(*) FROM audit WHERE job_id = ?').pluck().get(jobId) as number;
  }
}
