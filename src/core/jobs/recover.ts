import os from 'node:os';
import type { Db } from '../../store/db.js';
import { processAlive } from '../processes.js';

/**
 * Finds jobs left Pending or Running by a process that is gone (kill -9, power loss) and
 * marks them Aborted by System, so that `job resume` can finish them and their sets are
 * free again. Only jobs started on this host are judged: a pid means nothing elsewhere.
 * Called whenever a command opens the store; kept free of heavy imports for start-up.
 */
export function recoverAbandonedJobs(db: Db, isAlive: (pid: number) => boolean = processAlive, host = os.hostname(), now = new Date()): string[] {
  const live = db
    .prepare("SELECT id, pid, host FROM jobs WHERE status IN ('Pending', 'Running')")
    .all() as { id: string; pid: number | null; host: string | null }[];
  const dead = live.filter((j) => j.host === host && j.pid !== null && !isAlive(j.pid));
  if (dead.length === 0) return [];
  const mark = db.prepare(
    "UPDATE jobs SET status = 'Aborted by System', ended_at = ?, pid = NULL, error = 'the job process ended without finishing (killed, crashed or the machine stopped); resume it with: alma-users job resume ' || id WHERE id = ? AND status IN ('Pending', 'Running')",
  );
  db.transaction(() => {
    for (const j of dead) mark.run(now.toISOString(), j.id);
  }).immediate();
  return dead.map((j) => j.id);
}
