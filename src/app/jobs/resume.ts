import { resolveOperator, type Operator } from '../../domain/authz.js';
import type { CodeBook } from '../../domain/codes.js';
import { ConflictError } from '../../domain/errors.js';
import { refuseUntoldPasswords, storedParams } from '../../domain/jobs/params.js';
import { updateNotifyPlanner } from '../../domain/jobs/plan.js';
import { RESUMABLE_STATUSES } from '../../domain/jobs/status.js';
import { undoPlanner, type UndoParams } from '../../domain/jobs/undo.js';
import { AuditTrail } from '../../store/audit.js';
import { JobStore, type JobRow } from '../../store/jobs.js';
import { findSet } from '../../store/sets.js';
import { UserStore } from '../../store/users.js';
import { memberQuery } from '../sets.js';
import { requireJobControl } from './control.js';
import { actionEnv, openJobLetters, type JobPlace, type PreparedJob } from './run.js';
import { claimJob, findJob, resumeRefusal } from './submit.js';

/**
 * `job resume ID`: a job that stopped before it was done (aborted or failed) is claimed by
 * this process and carries on from its checkpoint, with its operator's authority as it
 * stands today. Only its operator or a User Administrator may resume it; an undone job
 * cannot be resumed.
 */
export async function prepareResume(place: JobPlace, op: Operator, codes: CodeBook, id: string | undefined): Promise<{ job: JobRow; prepared: PreparedJob }> {
  const { db } = place;
  const jobs = new JobStore(db);
  const job = findJob(jobs, id);
  requireJobControl(op, job, 'resume');
  const refusal = resumeRefusal(jobs, job);
  if (refusal) throw refusal;
  // A sync reads its files, not a set; run again, it leaves the users it reached unchanged and does the rest.
  if (job.type === 'sync') throw new ConflictError(`job ${job.id} is a users sync, which is not resumed`, 'run the same users sync again');
  const users = new UserStore(db);
  const jobOperator = resolveOperator((primaryId) => users.get(primaryId), job.operator);
  const env = actionEnv(jobOperator, codes);
  const set = job.set_id ? findSet(db, job.set_id) : undefined;
  let prepared: PreparedJob;
  if (job.type === 'undo') {
    const p = JSON.parse(job.params) as UndoParams;
    const audit = new AuditTrail(db);
    prepared = { planner: undoPlanner(audit, { ...p, undo_of: findJob(jobs, p.undo_of).id }, env), members: audit.changedBy(p.undo_of) };
  } else {
    const params = storedParams(job.params);
    // A job recorded before this rule could never finish; say why and what to run instead.
    refuseUntoldPasswords(params);
    prepared = { planner: updateNotifyPlanner(params, env), members: set ? memberQuery(set) : undefined };
    if (params.notify) prepared.letters = await openJobLetters(place, params.notify, jobOperator.user);
  }
  try {
    if ((job.stage === 'Pending' || job.stage === 'Initialization') && !prepared.members) {
      throw new ConflictError(`job ${job.id} stopped before it froze its members, and its set no longer exists`);
    }
    // Atomic: of two `job resume` of this job, exactly one gets here; the other is told who runs it.
    return { job: claimJob(db, jobs, job, RESUMABLE_STATUSES), prepared };
  } catch (e) {
    await prepared.letters?.close();
    throw e;
  }
}
