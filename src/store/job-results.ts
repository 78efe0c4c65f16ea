import type { Db } from './db.js';

/**
 * What a job did per member: its errors and warnings (job_issues), and the report that
 * joins them with the audit row and the letter of each member.
 */

export interface IssueGroup {
  severity: string;
  code: string;
  message: string;
  users: number;
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

export class JobResults {
  private readonly insertIssueStmt;

  constructor(readonly db: Db) {
    this.insertIssueStmt = db.prepare('INSERT INTO job_issues (job_id, seq, primary_id, severity, code, message) VALUES (?, ?, ?, ?, ?, ?)');
  }

  insertIssue(jobId: string, seq: number, primaryId: string, severity: string, code: string, message: string): void {
    this.insertIssueStmt.run(jobId, seq, primaryId, severity, code, message);
  }

  /** Errors and warnings grouped by reason, the commonest first. */
  issuesGrouped(jobId: string): IssueGroup[] {
    return this.db
      .prepare<[string], IssueGroup>(
        `SELECT severity, code, message, count(*) AS users FROM job_issues WHERE job_id = ?
          GROUP BY severity, code, message ORDER BY severity, users DESC, message`,
      )
      .all(jobId);
  }

  /** Per member, in processing order: its audit row, issues and letter (streamed). */
  *reportRows(jobId: string): Generator<ReportRow> {
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
    yield* stmt.iterate(jobId);
  }
}
