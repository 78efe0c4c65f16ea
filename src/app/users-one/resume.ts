import type { ActionEnv } from '../../domain/jobs/actions.js';
import type { User } from '../../domain/user.js';
import type { MemberSelect } from '../../store/job-members.js';
import type { JobRow } from '../../store/jobs.js';
import { newUser, oneUser } from '../../store/user-records.js';
import { UserStore } from '../../store/users.js';
import { openJobLetters, type JobPlace, type PreparedJob } from '../jobs/run.js';
import { oneUserPlanner, type AddParams, type OneUserParams, type OneUserType } from './prepare.js';

/**
 * `job resume` of a job of one user (users add, edit, reset-password, delete): planned
 * again from its stored parameters with the rule it ran with, never as an update/notify.
 */
export async function resumeOneUser(place: JobPlace, job: JobRow & { type: OneUserType }, env: ActionEnv, operator: User): Promise<PreparedJob> {
  const params = JSON.parse(job.params) as OneUserParams;
  const planner = oneUserPlanner(place.db, job.type, params, env);
  const user = params.primary_id ? new UserStore(place.db).get(params.primary_id) : undefined;
  const prepared: PreparedJob = { planner, members: members(job.type, params, user?.id) };
  if (planner.letterType) prepared.letters = await openJobLetters(place, planner.letterType, user ?? operator);
  return prepared;
}

/** The member to freeze when the job stopped before it did; undefined when its user is gone (a frozen job needs none). */
function members(type: OneUserType, params: OneUserParams, userId: number | undefined): MemberSelect | undefined {
  if (type === 'user-add') return newUser((params as AddParams).user.primary_id);
  return userId === undefined ? undefined : oneUser(userId);
}
