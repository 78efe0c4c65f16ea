import { thisProcess } from '../../domain/processes.js';
import type { Db } from '../../store/db.js';
import { JobStore } from '../../store/jobs.js';

/**
 * A second Ctrl-C: the job this process runs ends Aborted by User now, before the process
 * does, instead of being left Running for the next command to find. No bulk is half
 * written: a bulk's transaction is synchronous, so this runs between two of them, and the
 * checkpoint says where `job resume` carries on. Letters being handed to the server at
 * that moment are settled by the next command as after any crash.
 * False when this process no longer runs the job (it had ended, or was taken over).
 */
export function abortRunNow(db: Db, jobId: string, why: string, now = new Date()): boolean {
  return new JobStore(db).finish(jobId, thisProcess(), 'Aborted by User', now.toISOString(), why);
}
