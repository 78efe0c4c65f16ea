import type { Db } from '../../store/db.js';
import { JobStore } from '../../store/jobs.js';
import { processGone } from '../../domain/processes.js';
import { howToFinish } from '../../domain/jobs/job-types.js';

/**
 * Finds jobs left Pending or Running by a process that is gone (kill -9, power loss, a
 * reboot) and marks them Aborted by System, so that `job resume` can finish them and their
 * sets are free again. Only jobs started on this host are judged: a pid means nothing
 * elsewhere; a job of an earlier boot is dead whatever its pid (pids are reused).
 * Called whenever a command opens the store: one indexed query, and the boot id is read
 * only when there is a running job to judge.
 */
export function recoverAbandonedJobs(db: Db, now = new Date()): RecoveredJob[] {
  const jobs = new JobStore(db);
  const live = jobs.holding();
  if (live.length === 0) return [];
  const dead = live.filter((j) => processGone({ pid: j.pid, host: j.host, boot: j.boot_id }));
  if (dead.length === 0) return [];
  return jobs.abandonDead(dead.map((j) => ({ ...j, finish: howToFinish(j) })), now.toISOString()).map(({ id, finish }) => ({ id, finish }));
}

/** A job found abandoned, and what finishes it (a command, or what to run again). */
export interface RecoveredJob {
  id: string;
  finish: string;
}
