import type { AlmaSettings, Region } from '../domain/alma/connection.js';
import type { Db } from './db.js';

/** What `alma` keeps (migration 009): the connection, pulled records, each push and its users' states. */

export type PushUserState = 'pending' | 'pushed' | 'conflict' | 'failed';
export const PUSH_USER_STATES: readonly PushUserState[] = ['pending', 'pushed', 'conflict', 'failed'];

export interface PushRow {
  job_id: string;
  method: 'job' | 'put';
  state: 'running' | 'stopped' | 'done';
  started_at: string;
  updated_at: string;
  ended_at: string | null;
  calls: number;
  note: string | null;
  alma_set_id: string | null;
  members_added: number;
  alma_job: string | null;
  alma_instance: string | null;
  alma_status: string | null;
  alma_report: string | null;
  /** The process running the push, while one does. */
  runner_pid: number | null;
  runner_host: string | null;
  runner_boot: string | null;
}

/** A process, as a push's runner is recorded. */
export interface PushRunner {
  pid: number;
  host: string;
  boot: string | null;
}

export interface PushUserRow {
  seq: number;
  primary_id: string;
  state: PushUserState;
  detail: string | null;
  at: string | null;
}

export function readAlmaSettings(db: Db): AlmaSettings | undefined {
  const row = db.prepare<[], AlmaSettings & { region: string | null }>(
    'SELECT region, url, rate, quota_floor, update_notify_job FROM alma_settings WHERE id = 1',
  ).get();
  return row ? { ...row, region: row.region as Region | null } : undefined;
}

export function writeAlmaSettings(db: Db, s: AlmaSettings): void {
  db.prepare(
    `INSERT INTO alma_settings (id, region, url, rate, quota_floor, update_notify_job) VALUES (1, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET region = excluded.region, url = excluded.url, rate = excluded.rate,
       quota_floor = excluded.quota_floor, update_notify_job = excluded.update_notify_job`,
  ).run(s.region, s.url, s.rate, s.quota_floor, s.update_notify_job);
}

export class AlmaStore {
  private readonly baselineStmt;
  private readonly saveBaselineStmt;
  private readonly userStateStmt;

  constructor(readonly db: Db) {
    this.baselineStmt = db.prepare<[string], { record: string }>('SELECT record FROM alma_baselines WHERE primary_id = ?');
    this.saveBaselineStmt = db.prepare(
      `INSERT INTO alma_baselines (primary_id, record, pulled_at) VALUES (?, ?, ?)
       ON CONFLICT (primary_id) DO UPDATE SET record = excluded.record, pulled_at = excluded.pulled_at`,
    );
    this.userStateStmt = db.prepare('UPDATE alma_push_users SET state = ?, detail = ?, at = ? WHERE job_id = ? AND seq = ?');
  }

  /** The record Alma had when the user was last pulled (or pushed), as JSON text. */
  baseline(primaryId: string): string | undefined {
    return this.baselineStmt.get(primaryId)?.record;
  }

  saveBaseline(primaryId: string, record: string, at: string): void {
    this.saveBaselineStmt.run(primaryId, record, at);
  }

  /** The job's changes to a user (audit JSON), if it changed it. */
  jobChanges(jobId: string, primaryId: string): string | undefined {
    return this.db.prepare<[string, string], { changes: string }>('SELECT changes FROM audit WHERE job_id = ? AND primary_id = ? ORDER BY id LIMIT 1')
      .get(jobId, primaryId)?.changes;
  }

  forgetBaseline(primaryId: string): void {
    this.db.prepare('DELETE FROM alma_baselines WHERE primary_id = ?').run(primaryId);
  }

  together<T>(f: () => T): T {
    return this.db.transaction(f)();
  }

  push(jobId: string): PushRow | undefined {
    return this.db.prepare<[string], PushRow>('SELECT * FROM alma_pushes WHERE job_id = ?').get(jobId);
  }

  /**
   * A new push of a job, with every user the job changed pending (in primary-ID order).
   * Returns the number of users.
   */
  private startPush(jobId: string, method: 'job' | 'put', at: string): number {
    return this.together(() => {
      this.db.prepare(`INSERT INTO alma_pushes (job_id, method, state, started_at, updated_at) VALUES (?, ?, 'running', ?, ?)`).run(jobId, method, at, at);
      return this.db.prepare(
        `INSERT INTO alma_push_users (job_id, primary_id, seq, state)
         SELECT ?, primary_id, row_number() OVER (ORDER BY primary_id COLLATE NOCASE, user_id) - 1, 'pending'
           FROM audit WHERE job_id = ?`,
      ).run(jobId, jobId).changes;
    });
  }

  /**
   * Makes `me` the runner of the job's push, starting the push when there is none, in one
   * write transaction: two pushes of one job started together cannot both take it. Refused
   * while another runner holds it (`gone` says it is still there), and for a push that
   * another run has finished meanwhile.
   */
  claimPush(jobId: string, method: 'job' | 'put', me: PushRunner, at: string, gone: (runner: PushRunner) => boolean): { heldBy?: PushRunner; done?: true } {
    return this.db.transaction(() => {
      const row = this.push(jobId);
      if (row?.state === 'done') return { done: true as const };
      if (row?.runner_pid != null) {
        const holder = { pid: row.runner_pid, host: row.runner_host ?? '', boot: row.runner_boot };
        if (!gone(holder)) return { heldBy: holder };
      }
      if (!row) this.startPush(jobId, method, at);
      else this.updatePush(jobId, { state: 'running', updated_at: at });
      this.updatePush(jobId, { runner_pid: me.pid, runner_host: me.host, runner_boot: me.boot });
      return {};
    }).immediate();
  }

  /** The push has no runner any more (it stopped, or it is done). */
  releasePush(jobId: string): void {
    this.updatePush(jobId, { runner_pid: null, runner_host: null, runner_boot: null });
  }

  updatePush(jobId: string, fields: Partial<Omit<PushRow, 'job_id' | 'method' | 'started_at'>>): void {
    const keys = Object.keys(fields);
    if (!keys.length) return;
    this.db.prepare(`UPDATE alma_pushes SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE job_id = @job_id`).run({ ...fields, job_id: jobId });
  }

  /** The next users still pending, in order. */
  pending(jobId: string, afterSeq: number, limit: number): PushUserRow[] {
    return this.db.prepare<[string, number, number], PushUserRow>(
      `SELECT seq, primary_id, state, detail, at FROM alma_push_users WHERE job_id = ? AND state = 'pending' AND seq > ? ORDER BY seq LIMIT ?`,
    ).all(jobId, afterSeq, limit);
  }

  /** Every user of the push, in order, `limit` from `afterSeq` (the job path's members). */
  users(jobId: string, afterSeq: number, limit: number): PushUserRow[] {
    return this.db.prepare<[string, number, number], PushUserRow>(
      'SELECT seq, primary_id, state, detail, at FROM alma_push_users WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    ).all(jobId, afterSeq, limit);
  }

  setUserState(jobId: string, seq: number, state: PushUserState, detail: string | null, at: string): void {
    this.userStateStmt.run(state, detail, at, jobId, seq);
  }

  /** Every user still pending gets `state` (the job path, once Alma's job has ended). */
  settlePending(jobId: string, state: PushUserState, detail: string | null, at: string): number {
    return this.db.prepare(`UPDATE alma_push_users SET state = ?, detail = ?, at = ? WHERE job_id = ? AND state = 'pending'`).run(state, detail, at, jobId).changes;
  }

  counts(jobId: string): Record<PushUserState, number> {
    const out: Record<PushUserState, number> = { pending: 0, pushed: 0, conflict: 0, failed: 0 };
    const rows = this.db.prepare<[string], { state: PushUserState; n: number }>(
      'SELECT state, count(*) AS n FROM alma_push_users WHERE job_id = ? GROUP BY state',
    ).all(jobId);
    for (const r of rows) out[r.state] = r.n;
    return out;
  }

  /** Users in a state, in order, at most `limit`: the conflicts and failures a report lists. */
  inState(jobId: string, state: PushUserState, limit: number): PushUserRow[] {
    return this.db.prepare<[string, string, number], PushUserRow>(
      'SELECT seq, primary_id, state, detail, at FROM alma_push_users WHERE job_id = ? AND state = ? ORDER BY seq LIMIT ?',
    ).all(jobId, state, limit);
  }
}
