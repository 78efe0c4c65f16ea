import type { User } from '../domain/user.js';
import type { StoredUser } from '../domain/user-fields.js';
import type { Db } from './db.js';
import type { MemberSelect } from './job-members.js';
import { columnValue, WRITE_COLUMNS } from './users.js';

/**
 * Whole users created and deleted by jobs, and the deleted records kept for `job undo`
 * (user_archive). A record is created again under its old row id, so that its audit trail
 * and `users history` stay its own; a new user gets an id no deleted user ever had.
 */
export class UserRecords {
  private readonly insertStmt;
  private readonly archiveStmt;
  private readonly deleteStmt;
  private readonly archivedStmt;
  private readonly existsStmt;

  constructor(readonly db: Db) {
    const cols = WRITE_COLUMNS.join(', ');
    const marks = WRITE_COLUMNS.map(() => '?').join(', ');
    this.insertStmt = db.prepare(`INSERT INTO users (id, ${cols}, created_at, created_by, updated_at, updated_by) VALUES (?, ${marks}, ?, ?, ?, ?)`);
    this.archiveStmt = db.prepare('INSERT INTO user_archive (job_id, user_id, primary_id, record, deleted_at) VALUES (?, ?, ?, ?, ?)');
    this.deleteStmt = db.prepare('DELETE FROM users WHERE id = ?');
    this.archivedStmt = db.prepare<[string, number], { record: string }>('SELECT record FROM user_archive WHERE job_id = ? AND user_id = ?');
    this.existsStmt = db.prepare<[string], number>('SELECT 1 FROM users WHERE primary_id = ?').pluck();
  }

  /**
   * Creates a user; `id` is the old row id of a restored one. A new user's id lies above
   * every id the audit and the archive have seen, so no deleted user's history becomes its.
   * `created` keeps a restored record's creation.
   */
  create(user: User, actor: string, at: string, id?: number, created?: { at: string; by: string }): number {
    const rowId = id ?? (this.db.prepare(
      'SELECT max(coalesce((SELECT max(id) FROM users), 0), coalesce((SELECT max(user_id) FROM audit), 0), coalesce((SELECT max(user_id) FROM user_archive), 0)) + 1',
    ).pluck().get() as number);
    this.insertStmt.run(rowId, ...WRITE_COLUMNS.map((c) => columnValue(user, c)), created?.at ?? at, created?.by ?? actor, at, actor);
    return rowId;
  }

  /** Keeps the whole record under the job that deletes it, then deletes it (its set memberships go with it). */
  delete(jobId: string, user: StoredUser, at: string): void {
    this.archiveStmt.run(jobId, user.id, user.primary_id, JSON.stringify(user), at);
    this.deleteStmt.run(user.id);
  }

  archived(jobId: string, userId: number): StoredUser | undefined {
    const row = this.archivedStmt.get(jobId, userId);
    return row ? (JSON.parse(row.record) as StoredUser) : undefined;
  }

  exists(primaryId: string): boolean {
    return this.existsStmt.get(primaryId.trim()) === 1;
  }

  /** The primary IDs a job deleted, in the order it deleted them. */
  deletedBy(jobId: string): string[] {
    return this.db.prepare<[string], string>('SELECT primary_id FROM user_archive WHERE job_id = ? ORDER BY rowid').pluck().all(jobId);
  }

  /** Removes the records deleted before `before` (an ISO time): they can no longer be restored. */
  expire(before: string): number {
    return this.db.prepare('DELETE FROM user_archive WHERE deleted_at < ?').run(before).changes;
  }
}

/** The members of a job on one existing user. */
export function oneUser(userId: number): MemberSelect {
  return { sql: 'SELECT id AS user_id, primary_id FROM users WHERE id = ?', params: [userId] };
}

/** The one member of `users add`: a user that does not exist yet (row id 0, which SQLite never gives). */
export function newUser(primaryId: string): MemberSelect {
  return { sql: 'SELECT 0 AS user_id, ? AS primary_id', params: [primaryId] };
}

/** The users whose purge date lies before `today` (YYYY-MM-DD): `job run purge --due`. */
export function duePurge(today: string): MemberSelect {
  return { sql: 'SELECT id AS user_id, primary_id FROM users WHERE purge_date < ?', params: [today] };
}

export function countMembersOf(db: Db, select: MemberSelect): number {
  return db.prepare(`SELECT count(*) FROM (${select.sql})`).pluck().get(...select.params) as number;
}
