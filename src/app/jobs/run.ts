import type { Operator } from '../../domain/authz.js';
import type { CodeBook } from '../../domain/codes.js';
import { today } from '../../domain/dates.js';
import type { ActionEnv } from '../../domain/jobs/actions.js';
import { resolveUpdateNotify, type ActionValues, type UpdateNotifyParams } from '../../domain/jobs/params.js';
import { updateNotifyPlanner, type Planner } from '../../domain/jobs/plan.js';
import { newTally } from '../../domain/jobs/tally.js';
import { thisProcess } from '../../domain/processes.js';
import type { User } from '../../domain/user.js';
import type { Db } from '../../store/db.js';
import type { MemberSelect } from '../../store/job-members.js';
import { JobStore, type JobRow } from '../../store/jobs.js';
import { countMembers, getSet, memberQuery, setMembers, type SetRecord } from '../sets.js';
import { executeJob, type JobProgress } from './engine.js';
import type { OpenedLetters } from './letters.js';
import { jobStores } from './stores.js';
import { claimJob, refuseHeldSet, submitJob } from './submit.js';

/**
 * `job run update-notify`: the preflight, the set, the planner and the letters; then the
 * job submitted, claimed by this process and run. Shared with `job resume` and `job undo`:
 * opening the letters and running a claimed job.
 */

export type { JobRow } from '../../store/jobs.js';
export type { JobProgress } from './engine.js';

/** Where a job runs: the store, and what the mailer needs to find its settings. */
export interface JobPlace {
  db: Db;
  storePath: string;
  env: NodeJS.ProcessEnv;
  /** Told once when letters would go out with a default From address (warnings only). */
  notes?: { warn(message: string): void } | undefined;
}

/** What a job needs to run: its rule per user, its members, and its letters if it sends any. */
export interface PreparedJob {
  planner: Planner;
  /** undefined: a resumed job whose set is gone (it needs none once its members are frozen). */
  members: MemberSelect | undefined;
  letters?: OpenedLetters | undefined;
}

export function actionEnv(op: Operator, codes: CodeBook): ActionEnv {
  return { today: today(), operator: op.user.primary_id, isAdministrator: op.isAdministrator, codes };
}

/** The letter machinery of a job that notifies: checked against a sample user before anything runs. */
export async function openJobLetters(place: JobPlace, type: string, sample: User): Promise<OpenedLetters> {
  // Loaded only by jobs that send letters: the template engine and the mailer are heavy.
  const { openLetterPort } = await import('./letters.js');
  const letters = await openLetterPort(place);
  try {
    letters.port.check(type, sample);
  } catch (e) {
    await letters.close();
    throw e;
  }
  return letters;
}

export interface UpdateNotifyRun extends PreparedJob {
  set: SetRecord;
  members: MemberSelect;
  params: UpdateNotifyParams;
  /** Restricted roles this operator (a User Manager) asked to add or remove: each user it would change gets an error. */
  restrictedRoles: string[];
}

/** The preflight of `job run update-notify`: nothing is written; the letters are opened apart (openRunLetters). */
export function prepareUpdateNotify(db: Db, operator: Operator, codes: CodeBook, setName: string, values: ActionValues): UpdateNotifyRun {
  const params = resolveUpdateNotify(values, codes);
  const set = getSet(db, setName, operator);
  const restrictedRoles = operator.isAdministrator
    ? []
    : [...params.add_roles, ...params.remove_roles].filter((r) => codes.get('role', r.role)?.attrs.restricted).map((r) => r.role);
  return { set, members: memberQuery(set), params, restrictedRoles, planner: updateNotifyPlanner(params, actionEnv(operator, codes)) };
}

/** Opens the letters of a run that notifies, checked against the set's first member (or the operator). */
export async function openRunLetters(place: JobPlace, run: UpdateNotifyRun, operator: Operator): Promise<void> {
  if (run.params.notify) run.letters = await openJobLetters(place, run.params.notify, firstMember(place.db, run.set) ?? operator.user);
}

/** A sample member for the letter's preflight; the iterator is closed so its statement is released. */
function firstMember(db: Db, set: SetRecord): User | undefined {
  const it = setMembers(db, set, 1);
  try {
    return it.next().value ?? undefined;
  } finally {
    it.return(undefined);
  }
}

/** Before asking for confirmation: the set must be free; how many members it has now. */
export function checkSetFree(db: Db, set: SetRecord): number {
  refuseHeldSet(new JobStore(db), set);
  return countMembers(db, set);
}

/** Records the job and makes this process its runner. */
export function submitUpdateNotify(db: Db, run: UpdateNotifyRun, operator: Operator, o: { name?: string | undefined; reason?: string | undefined }): JobRow {
  const jobs = new JobStore(db);
  const submitted = submitJob(db, jobs, {
    type: 'update-notify', name: o.name, set: run.set, params: run.params, operator: operator.user.primary_id, reason: o.reason, tally: newTally(run.planner),
  });
  return claimJob(db, jobs, submitted, ['Pending']);
}

export interface RunOptions {
  signal: AbortSignal;
  onProgress: (p: JobProgress) => void;
  bulkSize?: number | undefined;
}

/** Runs a claimed job to its end; `problem` says why sending stopped early, if it did. */
export async function runClaimedJob(db: Db, job: JobRow, prepared: PreparedJob, o: RunOptions): Promise<{ final: JobRow; problem: string | undefined }> {
  const final = await executeJob(job, prepared.members, {
    stores: jobStores(db), owner: thisProcess(), planner: prepared.planner, letters: prepared.letters?.port,
    signal: o.signal, onProgress: o.onProgress, bulkSize: o.bulkSize,
  });
  return { final, problem: prepared.letters?.problem() };
}
