import os from 'node:os';
import { customAlphabet } from 'nanoid';
import type { Db } from '../../store/db.js';
import type { JobRow, JobStore } from '../../store/jobs.js';
import { ConflictError, NotFoundError, UsageError } from '../errors.js';
import type { JobType } from './status.js';
import type { Tally } from './tally.js';

// Lower-case letters and digits: safe in file names, never mistaken for an option (no leading '-').
const newJobId = customAlphabet('0123456789abcdefghijklmnopqrstuvwxyz', 12);

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
  db.transaction(() => {
    if (s.set) refuseHeldSet(jobs, s.set);
    jobs.insert({
      id, type: s.type, name: s.name ?? null, set_id: s.set?.id ?? null, set_name: s.set?.name ?? null,
      params: JSON.stringify(s.params), operator: s.operator, reason: s.reason ?? null, submitted_at: now.toISOString(),
      counters: JSON.stringify(s.tally), undo_of: s.undoOf ?? null, pid: process.pid, host: os.hostname(),
    });
  }).immediate();
  return jobs.get(id)!;
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
