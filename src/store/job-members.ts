import type { Statement } from 'better-sqlite3';
import type { StoredUser } from '../domain/user-fields.js';
import type { Db } from './db.js';
import { selectList, userOf } from './user-columns.js';
import type { UserRow } from './users.js';

/**
 * A job's members, frozen when it starts (job_members): numbered in primary-ID order, read
 * back bulk by bulk with their users as they are now.
 */

/** The users a job works on, as a SELECT of (user_id, primary_id): a set's members, or the users a job changed. */
export interface MemberSelect {
  sql: string;
  params: unknown[];
}

export interface BulkMember {
  seq: number;
  userId: number;
  primaryId: string;
  /** undefined when the user is gone. */
  user: StoredUser | undefined;
}

type MemberRow = UserRow & { seq: number; member_user_id: number; member_primary_id: string };

export class JobMembers {
  private readonly bulkStatements = new Map<string, Statement<[string, number, number], MemberRow>>();

  constructor(readonly db: Db) {}

  /** Freezes the members: the SELECT's rows, numbered in primary-ID order; the job's total is their count. */
  freeze(jobId: string, select: MemberSelect): number {
    this.db.prepare('DELETE FROM job_members WHERE job_id = ?').run(jobId);
    const r = this.db
      .prepare(
        `INSERT INTO job_members (job_id, seq, user_id, primary_id)
         SELECT ?, row_number() OVER (ORDER BY m.primary_id COLLATE NOCASE, m.user_id) - 1, m.user_id, m.primary_id
           FROM (${select.sql}) AS m`,
      )
      .run(jobId, ...select.params);
    this.db.prepare('UPDATE jobs SET total = ?, processed = 0 WHERE id = ?').run(r.changes, jobId);
    return r.changes;
  }

  /**
   * Members seq in [from, to), each with its user: whole, or only `columns` (plus id and
   * primary_id) when the job needs no more. Building a user object of every column costs
   * several times what reading four does.
   */
  bulk(jobId: string, from: number, to: number, columns?: readonly string[]): BulkMember[] {
    const key = columns ? columns.join(',') : '*';
    let stmt = this.bulkStatements.get(key);
    if (!stmt) {
      stmt = this.db.prepare<[string, number, number], MemberRow>(
        `SELECT m.seq, m.user_id AS member_user_id, m.primary_id AS member_primary_id, ${selectList(columns)}
           FROM job_members m LEFT JOIN users u ON u.id = m.user_id
          WHERE m.job_id = ? AND m.seq >= ? AND m.seq < ? ORDER BY m.seq`,
      );
      this.bulkStatements.set(key, stmt);
    }
    // The row goes to userOf as it is: it maps only user columns (no copy without the member's).
    return stmt.all(jobId, from, to).map((row) => ({
      seq: row.seq,
      userId: row.member_user_id,
      primaryId: row.member_primary_id,
      user: row.id === null ? undefined : userOf(row, columns !== undefined),
    }));
  }

  /**
   * The members of a member SELECT, in primary-ID order, with their users as `bulk` reads
   * them (a member whose user is gone has none: the undo of a deletion); streamed (the dry run).
   */
  *selected(select: MemberSelect, columns?: readonly string[]): Generator<Omit<BulkMember, 'seq'>> {
    const stmt = this.db.prepare<unknown[], UserRow & { member_user_id: number; member_primary_id: string }>(
      `SELECT m.user_id AS member_user_id, m.primary_id AS member_primary_id, ${selectList(columns)}
         FROM (${select.sql}) AS m LEFT JOIN users u ON u.id = m.user_id ORDER BY m.primary_id COLLATE NOCASE, m.user_id`,
    );
    for (const { member_user_id, member_primary_id, ...row } of stmt.iterate(...select.params)) {
      yield { userId: member_user_id, primaryId: member_primary_id, user: row.id === null ? undefined : userOf(row, columns !== undefined) };
    }
  }
}
