import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';

/**
 * What `users sync` keeps besides users and audit rows: the values of the protected fields
 * as the SIS last sent them (sync_values), its records as its job's members, and the users
 * of a SIS profile.
 */

/** A user of a SIS profile, as the missing-users pass reads it. */
export interface ProfileUser {
  id: number;
  primary_id: string;
  status: string;
}

export class SyncValues {
  private readonly lastStmt: Statement<[number], { job_id: string; sis_values: string }>;
  /** Rows as [id, user_id, job_id, sis_values]: a sync reads one a user. */
  private readonly manyStmt: Statement<[string], [number, number, string, string]>;
  private readonly insertStmt;
  /** Jobs whose changes are undone now: an undo that was itself undone does not count. */
  private readonly undone: ReadonlySet<string>;

  constructor(readonly db: Db) {
    this.lastStmt = db.prepare('SELECT job_id, sis_values FROM sync_values WHERE user_id = ? ORDER BY id DESC');
    this.manyStmt = db.prepare<[string], [number, number, string, string]>(
      'SELECT id, user_id, job_id, sis_values FROM sync_values WHERE user_id IN (SELECT value FROM json_each(?))',
    ).raw();
    this.insertStmt = db.prepare('INSERT INTO sync_values (user_id, job_id, sis_values) VALUES (?, ?, ?)');
    this.undone = undoneJobs(db);
  }

  /** The SIS's values of the user's protected fields at its last sync that stands (not undone), as JSON. */
  last(userId: number): string | undefined {
    for (const row of this.lastStmt.iterate(userId)) {
      if (this.undone.has(row.job_id)) continue;
      // Stops the statement: only the newest standing row is wanted.
      return row.sis_values;
    }
    return undefined;
  }

  /**
   * last() of many users in one query (a sync reads a batch's users together), by user id;
   * a user without a standing row is absent.
   */
  lastMany(userIds: readonly number[]): Map<number, string> {
    const values = new Map<number, string>();
    if (userIds.length === 0) return values;
    const newestRow = new Map<number, number>();
    for (const [id, userId, jobId, sisValues] of this.manyStmt.all(JSON.stringify(userIds))) {
      if (this.undone.has(jobId) || (newestRow.get(userId) ?? -1) > id) continue;
      newestRow.set(userId, id);
      values.set(userId, sisValues);
    }
    return values;
  }

  insert(userId: number, jobId: string, sisValues: string): void {
    this.insertStmt.run(userId, jobId, sisValues);
  }
}

/** A sync's records as its job's members (job_members), one row each as it is done, so that `job report` lists every record. */
export class SyncMembers {
  private readonly insertStmt;
  constructor(readonly db: Db) {
    this.insertStmt = db.prepare('INSERT INTO job_members (job_id, seq, user_id, primary_id) VALUES (?, ?, ?, ?)');
  }

  /** `userId` 0: a record that names no user (rejected before one was found or created). */
  add(jobId: string, seq: number, userId: number, primaryId: string): void {
    this.insertStmt.run(jobId, seq, userId, primaryId);
  }
}

function undoneJobs(db: Db): Set<string> {
  const undos = db.prepare<[], { id: string; undo_of: string }>('SELECT id, undo_of FROM jobs WHERE undo_of IS NOT NULL ORDER BY submitted_at').all();
  const undoOf = new Map<string, string[]>();
  for (const u of undos) undoOf.set(u.undo_of, [...(undoOf.get(u.undo_of) ?? []), u.id]);
  const memo = new Map<string, boolean>();
  // A job is undone when one of its undo jobs stands (is not itself undone).
  const isUndone = (id: string, depth = 0): boolean => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const result = depth < 100 && (undoOf.get(id) ?? []).some((u) => !isUndone(u, depth + 1));
    memo.set(id, result);
    return result;
  };
  return new Set(undos.map((u) => u.undo_of).filter((id) => isUndone(id)));
}

/** The external users of a SIS profile with an id above `afterId`, a page in id order (the missing-users pass writes between pages). */
export function profileUsers(db: Db, profile: string, afterId: number, limit: number): ProfileUser[] {
  return db
    .prepare<[string, number, number], ProfileUser>(
      "SELECT id, primary_id, status FROM users WHERE account_type = 'EXTERNAL' AND external_id = ? AND id > ? ORDER BY id LIMIT ?",
    )
    .all(profile, afterId, limit);
}

/** The highest user row id: the size of a sync's map of the users it met. */
export function maxUserId(db: Db): number {
  return (db.prepare('SELECT coalesce(max(id), 0) FROM users').pluck().get() as number) ?? 0;
}

/** A sync job's total: the records it read, known only once it has read them all. */
export function setJobTotal(db: Db, jobId: string, total: number): void {
  db.prepare('UPDATE jobs SET total = ? WHERE id = ?').run(total, jobId);
}
