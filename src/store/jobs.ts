import type { Db } from './db.js';

/**
 * Jobs and their life: submitted, claimed by the process that runs them, checkpointed bulk
 * by bulk, ended; and found abandoned when that process is gone. Every write of a running
 * job is guarded by its owner (pid and host), so a process whose job was taken over
 * changes nothing. Statements are prepared once: a job on a million users checkpoints
 * hundreds of times.
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

export interface ListFilter {
  running?: boolean;
  history?: boolean;
  limit?: number;
}

export class JobStore {
  private readonly byId;
  private readonly checkpointStmt;

  constructor(readonly db: Db) {
    this.byId = db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE id = ?');
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

  /** The undo jobs of a job, newest first. */
  undosOf(id: string): JobRow[] {
    return this.db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE undo_of = ? ORDER BY submitted_at DESC').all(id);
  }

  /** Jobs that hold their set (Pending or Running), with the process said to run them. */
  holding(): { id: string; type: string; pid: number | null; host: string | null; boot_id: string | null }[] {
    return this.db
      .prepare("SELECT id, type, pid, host, boot_id FROM jobs WHERE status IN ('Pending', 'Running')")
      .all() as { id: string; type: string; pid: number | null; host: string | null; boot_id: string | null }[];
  }

  /**
   * Marks jobs whose process is gone Aborted by System, each only if its pid is still the
   * one judged dead (checked under the write lock: a resume may have claimed it meanwhile).
   * Returns the ids marked.
   */
  abandonDead<J extends { id: string; pid: number | null; finish: string }>(dead: readonly J[], at: string): J[] {
    const mark = this.db.prepare(
      "UPDATE jobs SET status = 'Aborted by System', ended_at = ?, pid = NULL, error = 'the job process ended without finishing (killed, crashed or the machine stopped); to finish it: ' || ? WHERE id = ? AND status IN ('Pending', 'Running') AND pid IS ?",
    );
    const marked: J[] = [];
    this.db.transaction(() => {
      for (const j of dead) if (mark.run(at, j.finish, j.id, j.pid).changes === 1) marked.push(j);
    }).immediate();
    return marked;
  }
}
