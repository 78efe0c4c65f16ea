import type { Operator } from '../../domain/authz.js';
import type { CodeBook } from '../../domain/codes.js';
import { today } from '../../domain/dates.js';
import { UsageError } from '../../domain/errors.js';
import { DEFAULT_KEEP_DAYS, purgePlanner, type PurgeParams } from '../../domain/jobs/purge.js';
import { newTally } from '../../domain/jobs/tally.js';
import type { ActionEnv } from '../../domain/jobs/actions.js';
import { getConfig } from '../../store/config.js';
import type { Db } from '../../store/db.js';
import type { MemberSelect } from '../../store/job-members.js';
import { JobStore, type JobRow } from '../../store/jobs.js';
import { findSet } from '../../store/sets.js';
import { countMembersOf, duePurge, UserRecords } from '../../store/user-records.js';
import { getSet, memberQuery, type SetRecord } from '../sets.js';
import { actionEnv, type PreparedJob } from './run.js';
import { claimJob, refuseHeldSet, submitJob } from './submit.js';

/**
 * `job run purge --set NAME | --due`: deletes users for good, but for their records, kept
 * (store/user-records.ts) so that `job undo` creates them again; records older than
 * purge.keep_days days are removed when the next purge starts. Operators are never purged.
 */

export interface PurgeRun extends PreparedJob {
  members: MemberSelect;
  set: SetRecord | undefined;
  params: PurgeParams;
}

export function preparePurge(db: Db, op: Operator, codes: CodeBook, o: { set?: string | undefined; due?: boolean | undefined }): PurgeRun {
  if (!o.set === !o.due) {
    throw new UsageError(`job run purge needs ${o.set ? 'one of --set NAME and --due, not both' : 'either --set NAME or --due'}`,
      '--due purges the users whose purge date has passed; --set NAME the members of a set');
  }
  const params: PurgeParams = { due: o.due === true, today: today() };
  const set = o.set ? getSet(db, o.set, op) : undefined;
  return { planner: purgePlanner(actionEnv(op, codes)), members: set ? memberQuery(set) : duePurge(params.today), set, params };
}

/** A purge to resume: the same rule, and its set or its day's due users if it stopped before freezing them. */
export function resumedPurge(db: Db, job: JobRow, env: ActionEnv): PreparedJob {
  const params = JSON.parse(job.params) as PurgeParams;
  const set = job.set_id ? findSet(db, job.set_id) : undefined;
  return { planner: purgePlanner(env), members: set ? memberQuery(set) : params.due ? duePurge(params.today) : undefined };
}

/** How many users the purge would consider now; the set must be free. */
export function countPurge(db: Db, run: PurgeRun): number {
  if (run.set) refuseHeldSet(new JobStore(db), run.set);
  return countMembersOf(db, run.members);
}

/** purge.keep_days, or its default. */
export function keepDays(db: Db): number {
  const v = getConfig(db, 'purge.keep_days');
  return v === undefined ? DEFAULT_KEEP_DAYS : Number(v);
}

/**
 * Records the purge and makes this process its runner; the records deleted more than
 * purge.keep_days days ago are removed first (those jobs can then no longer restore them).
 * Returns the job and how many kept records were removed.
 */
export function submitPurge(db: Db, run: PurgeRun, op: Operator, o: { name?: string | undefined; reason?: string | undefined }, now = new Date()): { job: JobRow; expired: number } {
  const cutoff = new Date(now.getTime() - keepDays(db) * 86_400_000).toISOString();
  const expired = new UserRecords(db).expire(cutoff);
  const jobs = new JobStore(db);
  const submitted = submitJob(db, jobs, {
    type: 'purge', name: o.name ?? (run.set ? `purge of set ${run.set.name}` : 'purge of users past their purge date'), set: run.set,
    params: run.params, operator: op.user.primary_id, reason: o.reason, tally: newTally(run.planner),
  });
  return { job: claimJob(db, jobs, submitted, ['Pending']), expired };
}

/** The primary IDs a purge deleted, in order: what its report lists. */
export function purgedIds(db: Db, jobId: string): string[] {
  return new UserRecords(db).deletedBy(jobId);
}
