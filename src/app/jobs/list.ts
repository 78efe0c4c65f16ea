import type { Db } from '../../store/db.js';
import { JobStore } from '../../store/jobs.js';

/**
 * `job list`, apart from the job reports: a read-only command line loads this alone, not
 * the outbox, the mail and the Alma status that a job's report reads.
 */

export interface JobListFilter {
  running?: boolean | undefined;
  history?: boolean | undefined;
  /** At most this many; 50 when not given. */
  limit?: number | undefined;
}

/** `job list`: the newest jobs first, with their progress. */
export function listJobs(db: Db, f: JobListFilter) {
  return new JobStore(db).list({ running: f.running, history: f.history, limit: f.limit ?? 50 }).map((j) => ({
    id: j.id, name: j.name, type: j.type, set: j.set_name, operator: j.operator, submitted: j.submitted_at, status: j.status,
    // A sync learns its total only as it ends: one that stopped before has no percentage to show.
    stage: j.stage, progress: j.total ? `${Math.floor((j.processed / j.total) * 100)}%` : j.status.startsWith('Completed') ? '100%' : '',
    processed: j.processed, total: j.total,
  }));
}
