import os from 'node:os';
import type { Operator } from '../../domain/authz.js';
import { ConflictError, PermissionError, UsageError } from '../../domain/errors.js';
import { isHolding } from '../../domain/jobs/status.js';
import { samePrimaryId } from '../../domain/primary-id.js';
import { processGone } from '../../domain/processes.js';
import type { Db } from '../../store/db.js';
import { JobStore, type JobRow } from '../../store/jobs.js';
import { findJob } from './submit.js';

/** Who may act on a job once it exists, and when: `job cancel`, `job abort`, and the checks `job resume` and `job undo` make. */

/** What may be done to a job that exists: each is the job operator's, or a User Administrator's. */
export type JobControl = 'cancel' | 'resume' | 'abort' | 'undo' | 'push';

/**
 * The one rule for acting on a job: only the operator who ran it or a User Administrator
 * may cancel, resume, abort or undo it. A User Manager's own jobs are theirs to manage;
 * another operator's work is not, whatever the job did (docs/jobs.md, "Who may act on a job").
 */
export function requireJobControl(op: Operator, job: JobRow, action: JobControl): void {
  if (op.isAdministrator || samePrimaryId(op.user.primary_id, job.operator)) return;
  throw new PermissionError(`job ${job.id} was run by ${job.operator}; only they or a User Administrator may ${action} it`);
}

/** `job cancel ID`: asks a job that holds its set to stop after the bulk in flight; the job as it was asked. */
export function cancelJob(db: Db, op: Operator, id: string | undefined): JobRow {
  const jobs = new JobStore(db);
  const job = findJob(jobs, id);
  requireJobControl(op, job, 'cancel');
  if (!jobs.requestCancel(job.id)) {
    throw new ConflictError(`job ${job.id} is not running (${jobs.get(job.id)?.status ?? job.status}); there is nothing to cancel`);
  }
  return job;
}

/**
 * `job abort ID --force`: for a job left Running by a process that a person knows is dead
 * but this host cannot tell (it ran on another host, or the system gives no boot id and
 * the pid was reused). The job becomes Aborted by System, resumable.
 * Returns the job as it is now, and where its process was said to run.
 */
export function abortJob(db: Db, op: Operator, id: string | undefined, force: boolean, now = new Date()): { job: JobRow; where: string } {
  const jobs = new JobStore(db);
  const job = findJob(jobs, id);
  requireJobControl(op, job, 'abort');
  if (!isHolding(job.status)) throw new ConflictError(`job ${job.id} is not running (${job.status}); there is nothing to abort`);
  const where = `pid ${job.pid ?? '?'} on ${job.host ?? '?'}`;
  if (!force) {
    throw new UsageError(
      `job ${job.id} is ${job.status.toLowerCase()} (${where}); abort only a job whose process you know is dead`,
      `to stop a live job: alma-users job cancel ${job.id}; if its process is gone: alma-users job abort ${job.id} --force`,
    );
  }
  if (job.host === os.hostname() && job.pid !== null && !processGone({ pid: job.pid, host: job.host, boot: job.boot_id })) {
    throw new ConflictError(
      `job ${job.id} is run by ${where}, which is alive on this machine; it was not aborted`,
      `ask it to stop: alma-users job cancel ${job.id}`,
    );
  }
  if (!jobs.abandon(job.id, job.pid, now.toISOString(), `declared dead by ${op.user.primary_id} (job abort --force); it was run by ${where}`)) {
    throw new ConflictError(`job ${job.id} changed while it was being aborted; see: alma-users job show ${job.id}`);
  }
  return { job: jobs.get(job.id)!, where };
}
