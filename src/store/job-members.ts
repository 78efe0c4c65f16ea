import type { Statement } from 'better-sqlite3';
import type { StoredUser } from '../domain/user-fields.js';
import type { Db } from './db.js';
import { userRead, type UserRead } from './user-columns.js';

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

export class JobMembers {
  private readonly bulkStatements = new Map<string, { stmt: Statement<[string, number, number], unknown[]>; read: UserRead; at: number }>();

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
    let q = this.bulkStatements.get(key);
    if (!q) {
      const read = userRead(columns);
      // The member's own columns after the user's: the user is read from the row's start.
      const stmt = this.db.prepare<[string, number, number], unknown[]>(
        `SELECT ${read.list}, m.seq, m.user_id, m.primary_id
           FROM job_members m LEFT JOIN users u ON u.id = m.user_id
          WHERE m.job_id = ? AND m.seq >= ? AND m.seq < ? ORDER BY m.seq`,
      ).raw();
      q = { stmt, read, at: stmt.columns().length - 3 };
      this.bulkStatements.set(key, q);
    }
    const { stmt, read, at } = q;
    return stmt.all(jobId, from, to).map((row) => ({
      seq: row[at] as number,
      userId: row[at + 1] as number,
      primaryId: row[at + 2] as string,
      user: row[0] === null ? undefined : read.user(row),
    }));
  }

  /**
   * The members of a member SELECT, in primary-ID order, with their users as `bulk` reads
   * them (a member whose user is gone has none: the undo of a deletion); streamed (the dry run).
   */
  *selected(select: MemberSelect, columns?: readonly string[]): Generator<Omit<BulkMember, 'seq'>> {
    const read = userRead(columns);
    const stmt = this.db.prepare<unknown[], unknown[]>(
      `SELECT ${read.list}, m.user_id, m.primary_id
         FROM (${select.sql}) AS m LEFT JOIN users u ON u.id = m.user_id ORDER BY m.primary_id COLLATE NOCASE, m.user_id`,
    ).raw();
    const at = stmt.columns().length - 2;
    for (const row of stmt.iterate(...select.params)) {
      yield { userId: row[at] as number, primaryId: row[at + 1] as string, user: row[0] === null ? undefined : read.user(row) };
    }
  }
}
