import type { User } from '../domain/user.js';
import type { StoredUser } from '../domain/user-fields.js';
import type { Db } from './db.js';
import type { MemberSelect } from './job-members.js';
import { userLettersDiscarder } from './outbox-states.js';
import { NEW_USER_ID } from './user-ids.js';
import { columnValue, WRITE_COLUMNS } from './users.js';

/** Where a kept record holds the ids of the itemized sets its user was in. */
const SETS_KEY = 'itemized_sets';
type ArchivedRecord = StoredUser & { [SETS_KEY]?: string[] };

/**
 * Whole users created and deleted by jobs, and the deleted records kept for `job undo`
 * (user_archive). A record is created again under its old row id, so that its audit trail
 * and `users history` stay its own, and back in its itemized sets; a new user gets an id no
 * deleted user ever had (user-ids.ts).
 */
export class UserRecords {
  private readonly insertStmt;
  private readonly archiveStmt;
  private readonly deleteStmt;
  private readonly archivedStmt;
  private readonly existsStmt;
  private readonly setsOfStmt;
  private readonly lastArchivedStmt;
  private readonly rejoinStmt;
  private readonly discardLetters;
  /** The key slots of the password letters discarded with deleted users, until takeDiscardedKeys(). */
  private discardedKeys: number[] = [];

  constructor(readonly db: Db) {
    const cols = WRITE_COLUMNS.join(', ');
    const marks = WRITE_COLUMNS.map(() => '?').join(', ');
    this.insertStmt = db.prepare(
      `INSERT INTO users (id, ${cols}, created_at, created_by, updated_at, updated_by) VALUES (coalesce(?, ${NEW_USER_ID}), ${marks}, ?, ?, ?, ?)`,
    );
    this.archiveStmt = db.prepare('INSERT INTO user_archive (job_id, user_id, primary_id, record, deleted_at) VALUES (?, ?, ?, ?, ?)');
    this.deleteStmt = db.prepare('DELETE FROM users WHERE id = ?');
    this.archivedStmt = db.prepare<[string, number], { record: string }>('SELECT record FROM user_archive WHERE job_id = ? AND user_id = ?');
    this.existsStmt = db.prepare<[string], number>('SELECT 1 FROM users WHERE primary_id = ?').pluck();
    this.setsOfStmt = db.prepare<[number], string>('SELECT set_id FROM set_members WHERE user_id = ? ORDER BY set_id').pluck();
    this.lastArchivedStmt = db.prepare<[number], { record: string }>('SELECT record FROM user_archive WHERE user_id = ? ORDER BY deleted_at DESC, rowid DESC LIMIT 1');
    this.discardLetters = userLettersDiscarder(db);
    this.rejoinStmt = db.prepare(
      "INSERT OR IGNORE INTO set_members (set_id, user_id) SELECT id, ? FROM sets WHERE kind = 'ITEMIZED' AND id IN (SELECT value FROM json_each(?))",
    );
  }

  /**
   * Creates a user; `id` is the old row id of a restored one, which gets back the itemized
   * sets it was in when it was deleted (those that still exist). A new user's id is
   * NEW_USER_ID's. `created` keeps a restored record's creation.
   */
  create(user: User, actor: string, at: string, id?: number, created?: { at: string; by: string }): number {
    const rowId = Number(this.insertStmt.run(id ?? null, ...WRITE_COLUMNS.map((c) => columnValue(user, c)), created?.at ?? at, created?.by ?? actor, at, actor).lastInsertRowid);
    if (id !== undefined) {
      const row = this.lastArchivedStmt.get(id);
      const sets = row ? (JSON.parse(row.record) as ArchivedRecord)[SETS_KEY] : undefined;
      if (sets?.length) this.rejoinStmt.run(rowId, JSON.stringify(sets));
    }
    return rowId;
  }

  /**
   * Keeps the whole record, and the itemized sets it is in, under the job that deletes it;
   * then deletes it (and its memberships) and discards its letters not sent yet (their keys:
   * takeDiscardedKeys, once the transaction has committed).
   */
  delete(jobId: string, user: StoredUser, at: string): void {
    const sets = this.setsOfStmt.all(user.id);
    this.archiveStmt.run(jobId, user.id, user.primary_id, JSON.stringify({ ...user, [SETS_KEY]: sets }), at);
    this.deleteStmt.run(user.id);
    this.discardedKeys.push(...this.discardLetters(user.id, at, `not sent: the user was deleted by job ${jobId}`));
  }

  /** The key slots of the password letters discarded since the last call: to shred once their discard has committed. */
  takeDiscardedKeys(): number[] {
    const keys = this.discardedKeys;
    this.discardedKeys = [];
    return keys;
  }

  archived(jobId: string, userId: number): StoredUser | undefined {
    const row = this.archivedStmt.get(jobId, userId);
    if (!row) return undefined;
    const { [SETS_KEY]: _sets, ...user } = JSON.parse(row.record) as ArchivedRecord;
    return user;
  }

  /**
   * The row id of a user that no longer exists, by its primary ID (any case): from the kept
   * records, else from the audit trail (which outlives them); undefined if none ever had it.
   */
  goneUserId(primaryId: string): number | undefined {
    const id = primaryId.trim();
    const kept = this.db.prepare<[string], number>('SELECT user_id FROM user_archive WHERE primary_id = ? COLLATE NOCASE ORDER BY deleted_at DESC LIMIT 1').pluck().get(id);
    return kept ?? this.db.prepare<[string], number>('SELECT user_id FROM audit WHERE primary_id = ? COLLATE NOCASE ORDER BY id DESC LIMIT 1').pluck().get(id);
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
