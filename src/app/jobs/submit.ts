import type { Db } from '../../store/db.js';
import type { JobRow, JobStore } from '../../store/jobs.js';
import { ConflictError, NotFoundError, UsageError } from '../../domain/errors.js';
import { newJobId } from '../../domain/ids.js';
import { thisProcess, type ProcessRef } from '../../domain/processes.js';
import { isHolding, isResumable as isResumableStatus, type JobType } from '../../domain/jobs/status.js';
import type { Tally } from '../../domain/jobs/tally.js';

/** The set a job runs on, as the sets module describes it. */
export interface JobSetRef {
  id: string;
  name: string;
}

export interface Submission {
  type: JobType;
  name: string | undefined;
  set: JobSetRef | undefined;
  params: unknown;
  operator: string;
  reason: string | undefined;
  tally: Tally;
  undoOf?: string | undefined;
}

/**
 * Records a job as Pending, holding its set. The check that no other job holds the set and
 * the insert are one immediate transaction, so two processes cannot both take a set.
 */
export function submitJob(db: Db, jobs: JobStore, s: Submission, now = new Date()): JobRow {
  const id = newJobId();
  const me = thisProcess();
  db.transaction(() => {
    if (s.set) refuseHeldSet(jobs, s.set);
    jobs.insert({
      id, type: s.type, name: s.name ?? null, set_id: s.set?.id ?? null, set_name: s.set?.name ?? null,
      params: JSON.stringify(s.params), operator: s.operator, reason: s.reason ?? null, submitted_at: now.toISOString(),
      counters: JSON.stringify(s.tally), undo_of: s.undoOf ?? null, pid: me.pid, host: me.host, boot_id: me.boot,
    });
  }).immediate();
  return jobs.get(id)!;
}

/**
 * Makes this process the job's runner: the job must be in one of `from` (Pending for a job
 * just submitted, a resumable status for `job resume`) and its set free of other jobs. The
 * check and the claim are one UPDATE in an immediate transaction, so of two `job resume`
 * of the same job exactly one runs; the other gets a ConflictError naming the runner.
 */
export function claimJob(db: Db, jobs: JobStore, job: JobRow, from: readonly string[], owner: ProcessRef = thisProcess(), now = new Date()): JobRow {
  db.transaction(() => {
    if (job.set_id) refuseHeldSet(jobs, { id: job.set_id, name: job.set_name ?? job.set_id }, job.id);
    if (!jobs.claim(job.id, owner, now.toISOString(), from)) throw whyNotResumable(jobs, jobs.get(job.id) ?? job);
  }).immediate();
  return jobs.get(job.id)!;
}

/** Why a job cannot be resumed (it runs, it was undone, it ended), or undefined when it can. */
export function resumeRefusal(jobs: JobStore, job: JobRow): ConflictError | undefined {
  const undo = jobs.undosOf(job.id)[0];
  if (undo) {
    return new ConflictError(
      `job ${job.id} was undone by job ${undo.id} (${undo.status}); an undone job cannot be resumed, since what it changed next could not be undone`,
      `run a new job for the users it did not reach (see: alma-users job report ${job.id})`,
    );
  }
  if (isHolding(job.status)) {
    return new ConflictError(
      `job ${job.id} is ${job.status.toLowerCase()} (pid ${job.pid ?? '?'} on ${job.host ?? '?'}); it cannot be resumed twice`,
      `follow it with: alma-users job show ${job.id}`,
    );
  }
  if (!isResumableStatus(job.status)) return new ConflictError(`job ${job.id} ended ${job.status}; there is nothing to resume`);
  return undefined;
}

function whyNotResumable(jobs: JobStore, job: JobRow): ConflictError {
  return resumeRefusal(jobs, job) ?? new ConflictError(`job ${job.id} could not be claimed (${job.status}); try again`);
}

/** A Pending or Running job on the set is a conflict, named so the person can act on it. */
export function refuseHeldSet(jobs: JobStore, set: JobSetRef, except?: string): void {
  const holder = jobs.holder(set.id);
  if (holder && holder.id !== except) {
    throw new ConflictError(
      `set ${set.name} is in use by job ${holder.id}${holder.name ? ` (${holder.name})` : ''}, ${holder.status} since ${holder.started_at ?? holder.submitted_at}, operator ${holder.operator}`,
      `wait for it to end (alma-users job show ${holder.id}), or stop it: alma-users job cancel ${holder.id}`,
    );
  }
}

/** A job by its id or an unambiguous prefix of it (at least 4 characters), as git takes commits. */
export function findJob(jobs: JobStore, text: string | undefined): JobRow {
  const id = (text ?? '').trim();
  if (!id) throw new UsageError('name a job by its id', 'see the ids with: alma-users job list');
  const exact = jobs.get(id);
  if (exact) return exact;
  const found = id.length >= 4 ? jobs.byPrefix(id) : [];
  if (found.length === 1) return found[0]!;
  if (found.length > 1) throw new UsageError(`job id ${id} is ambiguous`, 'give more of it; see: alma-users job list');
  throw new NotFoundError(`no job ${id}`, 'see the ids with: alma-users job list');
}
