import { resolveOperator, type Operator } from '../../domain/authz.js';
import type { CodeBook } from '../../domain/codes.js';
import { ConflictError } from '../../domain/errors.js';
import type { ActionEnv } from '../../domain/jobs/actions.js';
import { refuseUntoldPasswords, storedParams } from '../../domain/jobs/params.js';
import { howToFinish } from '../../domain/jobs/job-types.js';
import { updateNotifyPlanner } from '../../domain/jobs/plan.js';
import { RESUMABLE_STATUSES, type JobType } from '../../domain/jobs/status.js';
import { undoPlanner, type UndoParams } from '../../domain/jobs/undo.js';
import type { User } from '../../domain/user.js';
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
 * stands today and the rule of its own type. Only its operator or a User Administrator may
 * resume it; an undone job cannot be resumed.
 */

interface Resuming {
  place: JobPlace;
  job: JobRow;
  jobs: JobStore;
  env: ActionEnv;
  /** The job's operator, as a sample user for a letter check. */
  operator: User;
}

/** How each job type is planned again; a type added to JOB_TYPES must say here how it resumes. */
const RESUMERS: Record<JobType, (r: Resuming) => Promise<PreparedJob>> = {
  'update-notify': async ({ place, job, env, operator }) => {
    const params = storedParams(job.params);
    // A job recorded before this rule could never finish; say why and what to run instead.
    refuseUntoldPasswords(params);
    const set = job.set_id ? findSet(place.db, job.set_id) : undefined;
    const prepared: PreparedJob = { planner: updateNotifyPlanner(params, env), members: set ? memberQuery(set) : undefined };
    if (params.notify) prepared.letters = await openJobLetters(place, params.notify, operator);
    return prepared;
  },
  undo: async ({ place, job, jobs, env }) => {
    const p = JSON.parse(job.params) as UndoParams;
    const audit = new AuditTrail(place.db);
    return { planner: undoPlanner(audit, { ...p, undo_of: findJob(jobs, p.undo_of).id }, env), members: audit.changedBy(p.undo_of) };
  },
  purge: async ({ place, job, env }) => (await import('./purge.js')).resumedPurge(place.db, job, env),
  'user-add': oneUser,
  'user-edit': oneUser,
  'user-reset-password': oneUser,
  'user-delete': oneUser,
  // A sync reads its files, not a set; run again, it leaves the users it reached unchanged and does the rest.
  sync: ({ job }) => Promise.reject(new ConflictError(`job ${job.id} is a users sync, which is not resumed`, howToFinish(job))),
};

async function oneUser(r: Resuming): Promise<PreparedJob> {
  const { resumeOneUser } = await import('../users-one/resume.js');
  return resumeOneUser(r.place, r.job as JobRow & { type: 'user-edit' }, r.env, r.operator);
}

export async function prepareResume(place: JobPlace, op: Operator, codes: CodeBook, id: string | undefined): Promise<{ job: JobRow; prepared: PreparedJob }> {
  const { db } = place;
  const jobs = new JobStore(db);
  const job = findJob(jobs, id);
  requireJobControl(op, job, 'resume');
  const refusal = resumeRefusal(jobs, job);
  if (refusal) throw refusal;
  const resumer = RESUMERS[job.type as JobType];
  if (!resumer) throw new ConflictError(`job ${job.id} is of type ${job.type}, which this version of alma-users cannot resume`);
  const users = new UserStore(db);
  const jobOperator = resolveOperator((primaryId) => users.get(primaryId), job.operator);
  const prepared = await resumer({ place, job, jobs, env: actionEnv(jobOperator, codes), operator: jobOperator.user });
  try {
    if ((job.stage === 'Pending' || job.stage === 'Initialization') && !prepared.members) {
      throw new ConflictError(`job ${job.id} stopped before it froze its members, and its set (or user) no longer exists`);
    }
    // Atomic: of two `job resume` of this job, exactly one gets here; the other is told who runs it.
    return { job: claimJob(db, jobs, job, RESUMABLE_STATUSES), prepared };
  } catch (e) {
    await prepared.letters?.close();
    throw e;
  }
}
