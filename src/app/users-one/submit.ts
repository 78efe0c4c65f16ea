import type { Operator } from '../../domain/authz.js';
import { newTally } from '../../domain/jobs/tally.js';
import type { Db } from '../../store/db.js';
import { JobStore, type JobRow } from '../../store/jobs.js';
import { claimJob, submitJob } from '../jobs/submit.js';
import type { OneUserRun } from './prepare.js';

/** Records a job of one user (`users add ID`...) and makes this process its runner. */
export function submitOneUser(db: Db, r: OneUserRun, op: Operator, reason: string | undefined): JobRow {
  const jobs = new JobStore(db);
  const submitted = submitJob(db, jobs, {
    type: r.type, name: `${r.type.replace('user-', 'users ')} ${r.plan.before.primary_id}`, set: undefined, params: r.params,
    operator: op.user.primary_id, reason, tally: newTally(r.planner),
  });
  return claimJob(db, jobs, submitted, ['Pending']);
}
