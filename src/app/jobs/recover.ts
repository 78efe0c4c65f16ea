import type { Db } from '../../store/db.js';
import { processGone } from '../../domain/processes.js';

/**
 * Finds jobs left Pending or Running by a process that is gone (kill -9, power loss, a
 * reboot) and marks them Aborted by System, so that `job resume` can finish them and their
 * sets are free again. Only jobs started on this host are judged: a pid means nothing
 * elsewhere; a job of an earlier boot is dead whatever its pid (pids are reused).
 * Called whenever a command opens the store: one indexed query, and the boot id is read
 * only when there is a running job to judge.
 */
export function recoverAbandonedJobs(db: Db, now = new Date()): string[] {
  const live = db
    .prepare("SELECT id, pid, host, boot_id FROM jobs WHERE status IN ('Pending', 'Running')")
    .all() as { id: string; pid: number | null; host: string | null; boot_id: string | null }[];
  if (live.length === 0) return [];
  const dead = live.filter((j) => processGone({ pid: j.pid, host: j.host, boot: j.boot_id }));
  if (dead.length === 0) return [];
  // The pid is checked again under the write lock: a resume may have claimed the job meanwhile.
  const mark = db.prepare(
    "UPDATE jobs SET status = 'Aborted by System', ended_at = ?, pid = NULL, error = 'the job process ended without finishing (killed, crashed or the machine stopped); resume it with: alma-users job resume ' || id WHERE id = ? AND status IN ('Pending', 'Running') AND pid IS ?",
  );
  const marked: string[] = [];
  db.transaction(() => {
    for (const j of dead) if (mark.run(now.toISOString(), j.id, j.pid).changes === 1) marked.push(j.id);
  }).immediate();
  return marked;
}
