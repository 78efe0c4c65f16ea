import type { Operator } from '../../domain/authz.js';
import type { CodeBook } from '../../domain/codes.js';
import { ConflictError } from '../../domain/errors.js';
import { isHolding, isResumable } from '../../domain/jobs/status.js';
import { newTally } from '../../domain/jobs/tally.js';
import { undoPlanner, type UndoParams } from '../../domain/jobs/undo.js';
import { AuditTrail } from '../../store/audit.js';
import type { Db } from '../../store/db.js';
import type { MemberSelect } from '../../store/job-members.js';
import { JobStore, type JobRow } from '../../store/jobs.js';
import { countLetters } from '../../store/outbox.js';
import { requireJobControl } from './control.js';
import { actionEnv, type PreparedJob } from './run.js';
import { claimJob, findJob, refuseHeldSet, submitJob, type JobSetRef } from './submit.js';

/**
 * `job undo ID`: reverts what a job changed, from its audit trail, as a job of its own. A
 * job still running cannot be undone, nor one undone already; a job that stopped halfway
 * can, and can then no longer be resumed.
 */

export interface UndoRun extends PreparedJob {
  original: JobRow;
  params: UndoParams;
  members: MemberSelect;
  /** The set the original job ran on, held by the undo while it runs. */
  set: JobSetRef | undefined;
  /** Said with the report: letters that cannot be unsent, a job that stopped halfway. */
  notes: string[];
  /** The original stopped before it finished. */
  unfinished: boolean;
}

export function prepareUndo(db: Db, op: Operator, codes: CodeBook, id: string | undefined, o: { dryRun: boolean; force: boolean }): UndoRun {
  const jobs = new JobStore(db);
  const original = findJob(jobs, id);
  requireJobControl(op, original, 'undo');
  if (isHolding(original.status)) {
    throw new ConflictError(`job ${original.id} is still ${original.status.toLowerCase()}`, `wait for it to end, or stop it first: alma-users job cancel ${original.id}`);
  }
  const previous = jobs.undosOf(original.id)[0];
  if (previous && !o.dryRun) {
    if (isHolding(previous.status)) throw new ConflictError(`job ${original.id} is being undone by job ${previous.id} (${previous.status})`);
    if (isResumable(previous.status)) {
      throw new ConflictError(`undo job ${previous.id} of job ${original.id} stopped before it finished (${previous.status})`, `finish it: alma-users job resume ${previous.id}`);
    }
    throw new ConflictError(`job ${original.id} was already undone by job ${previous.id} (${previous.status})`, `to put its changes back, undo the undo: alma-users job undo ${previous.id}`);
  }
  const params: UndoParams = { undo_of: original.id, force: o.force };
  const audit = new AuditTrail(db);
  const sent = queuedLetters(db, original.id);
  const notes = sent > 0 ? [`letters cannot be unsent: job ${original.id} queued ${sent} letter(s), which stay as they went`] : [];
  // An undone job can no longer be resumed (what it changed next could not be undone):
  // undoing a job that stopped halfway reverts the users it reached and ends it for good.
  const unfinished = isResumable(original.status);
  if (unfinished) {
    notes.push(`job ${original.id} stopped before it finished (${original.status}, ${original.processed} of ${original.total} users): ` +
      'only the users it reached are undone, and once undone it can no longer be resumed');
  }
  return {
    original, params, notes, unfinished,
    planner: undoPlanner(audit, params, actionEnv(op, codes)),
    members: audit.changedBy(original.id),
    set: original.set_id ? { id: original.set_id, name: original.set_name ?? original.set_id } : undefined,
  };
}

/** Before asking for confirmation: the set must be free; how many users the job changed. */
export function checkUndoable(db: Db, run: UndoRun): number {
  if (run.set) refuseHeldSet(new JobStore(db), run.set);
  return new AuditTrail(db).countChangedBy(run.original.id);
}

/** Records the undo job and makes this process its runner. */
export function submitUndo(db: Db, run: UndoRun, op: Operator, reason: string | undefined): JobRow {
  const jobs = new JobStore(db);
  const submitted = submitJob(db, jobs, {
    type: 'undo', name: `undo of ${run.original.name ?? run.original.id}`, set: run.set, params: run.params, operator: op.user.primary_id,
    reason, tally: newTally(run.planner), undoOf: run.original.id,
  });
  return claimJob(db, jobs, submitted, ['Pending']);
}

/** Letters a job put in the outbox (sent or not): what an undo cannot take back. */
function queuedLetters(db: Db, jobId: string): number {
  const c = countLetters(db, jobId);
  return Object.entries(c).reduce((n, [status, k]) => (status === 'suppressed' || status === 'discarded' ? n : n + k), 0);
}
