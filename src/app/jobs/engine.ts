import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import type { BulkMember, MemberSelect } from '../../store/job-members.js';
import type { JobOwner, JobRow, JobStore } from '../../store/jobs.js';
import { bulkWrites } from '../../store/bulk-writes.js';
import { shredLetterKeys } from '../../store/outbox-secrets.js';
import { ConflictError } from '../../domain/errors.js';
import { generatePassword, hashPassword } from '../../domain/password.js';
import type { LetterPort } from './letters.js';
import { PASSWORD_LETTER } from '../../domain/jobs/params.js';
import { failedPlan, type Planner, type UserPlan } from '../../domain/jobs/plan.js';
import type { FinalStatus, Stage } from '../../domain/jobs/status.js';
import { add, countPlan, letterCounters, newTally, parseTally, type Tally } from '../../domain/jobs/tally.js';
import type { JobStores } from './stores.js';
import { writeUserPlan } from './user-writes.js';

export type { MemberSelect } from '../../store/job-members.js';

/**
 * The job engine: Initialization freezes the members; Processing applies the planner to
 * them bulk by bulk, one transaction per bulk holding the users' changes, their audit
 * rows, issues, letters and the checkpoint; Finalization delivers what is left and sets
 * Alma's final status. A stop request (signal or `job cancel`) is honoured between bulks.
 *
 * The caller has claimed the job for `owner` (claimJob). Every write of the run is guarded
 * by that claim: should another process have taken the job over (its process was judged
 * dead and the job resumed elsewhere), the bulk in flight rolls back and this run stops
 * without touching the job's status.
 */

/** Big enough to amortise a commit, small enough to keep other jobs' waits short. */
export const DEFAULT_BULK_SIZE = 2000;
/** Each new password costs an scrypt hash; smaller bulks keep progress and Ctrl-C responsive. */
export const PASSWORD_BULK_SIZE = 200;

export interface JobProgress {
  stage: Stage;
  processed: number;
  total: number;
  /** Work inside the bulk in flight, so that a long bulk shows it moves (processed counts committed bulks only). */
  step?: ProgressStep | undefined;
}

export interface ProgressStep {
  what: 'passwords' | 'users' | 'letters';
  done: number;
  of: number;
}

export interface EngineDeps {
  stores: JobStores;
  /** The process that claimed the job (claimJob). */
  owner: JobOwner;
  planner: Planner;
  /** Present when the job sends letters. */
  letters?: LetterPort | undefined;
  /** Aborted by SIGINT/SIGTERM (or a caller): the bulk in flight finishes, then the job stops. */
  signal?: AbortSignal | undefined;
  onProgress?: ((p: JobProgress) => void) | undefined;
  bulkSize?: number | undefined;
  now?: (() => Date) | undefined;
}

/** Another process runs the job now: this one stops, leaving the job to it. */
class JobTakenOver extends ConflictError {
  constructor(jobs: JobStore, id: string) {
    const j = jobs.get(id);
    super(
      `job ${id} was taken over while this process ran it (it is now ${j?.status ?? 'gone'}${j?.pid ? `, pid ${j.pid} on ${j.host ?? '?'}` : ''}); ` +
        'this process stopped without finishing it, and its last bulk was rolled back',
      `see: alma-users job show ${id}`,
    );
  }
}

/** Runs (or resumes) a claimed job to its final status and returns its row as it ends. */
export async function executeJob(job: JobRow, members: MemberSelect | undefined, deps: EngineDeps): Promise<JobRow> {
  const { planner, owner } = deps;
  const { db, jobs, members: frozen } = deps.stores;
  const now = deps.now ?? (() => new Date());
  const bulkSize = deps.bulkSize ?? (planner.mayResetPasswords ? PASSWORD_BULK_SIZE : DEFAULT_BULK_SIZE);
  let tally = mergeTally(newTally(planner), parseTally(job.counters));
  let stage = job.stage as Stage;
  try {
    if (stage === 'Pending' || stage === 'Initialization') {
      if (!members) throw new Error('the job has no members to freeze');
      if (!jobs.setStage(job.id, 'Initialization', owner)) throw new JobTakenOver(jobs, job.id);
      deps.onProgress?.({ stage: 'Initialization', processed: 0, total: 0 });
      db.transaction(() => {
        if (!jobs.owns(job.id, owner)) throw new JobTakenOver(jobs, job.id);
        frozen.freeze(job.id, members);
        jobs.setStage(job.id, 'Processing', owner);
      }).immediate();
      stage = 'Processing';
    }
    const fresh = jobs.get(job.id)!;
    const total = fresh.total;
    let processed = fresh.processed;
    if (total === 0) return await finish(deps, job.id, 'Completed with No Bulks', tally, now);

    // A resumed job first sends what its last run queued and did not send.
    deps.letters?.resume(job.id);
    if (deps.letters) await deps.letters.deliver(job.id, lettersProgress(deps, 'Processing', processed, total));
    let stopped = false;
    // Tuned as a bulk load: a job rewrites the same audit and index pages bulk after bulk.
    await bulkWrites(db, async () => {
      while (processed < total) {
        if (deps.signal?.aborted || jobs.cancelRequested(job.id)) {
          stopped = true;
          break;
        }
        const to = Math.min(processed + bulkSize, total);
        const [after, reached] = await processBulk(deps, fresh, processed, to, tally, now);
        tally = after;
        processed = reached;
        // A bulk cut short by the time budget: the next writer waiting for the store gets its turn.
        if (reached < to) await sleep(WRITERS_TURN_MS);
        deps.onProgress?.({ stage: 'Processing', processed, total });
        if (deps.letters) await deps.letters.deliver(job.id, lettersProgress(deps, 'Processing', processed, total));
        // Lets a pending SIGINT/SIGTERM handler run before the next bulk starts.
        await yieldToEventLoop();
      }
    });
    if (stopped) return await finish(deps, job.id, 'Aborted by User', tally, now);
    if (!jobs.setStage(job.id, 'Finalization', owner)) throw new JobTakenOver(jobs, job.id);
    deps.onProgress?.({ stage: 'Finalization', processed, total });
    return await finish(deps, job.id, undefined, tally, now);
  } catch (e) {
    if (e instanceof JobTakenOver) throw e;
    // The bulk in flight rolled back as a whole; `job resume` carries on from the checkpoint.
    // A job another process has taken over meanwhile is its business, not this one's to end.
    if (!jobs.finish(job.id, owner, 'Failed', now().toISOString(), (e as Error).message)) throw new JobTakenOver(jobs, job.id);
    return jobs.get(job.id)!;
  }
}

/**
 * How long one bulk's transaction may hold the write lock, whatever --bulk-size: past it the
 * bulk commits what it did and the rest goes in the next transaction, so another writer
 * (config set, an import, another job) waits a moment, not the whole bulk.
 */
const TRANSACTION_BUDGET_MS = 500;
/** Longer than SQLite's longest wait between tries of the lock (100 ms), so a waiting writer gets in. */
const WRITERS_TURN_MS = 120;

/**
 * The members of a bulk are read and processed this many at a time inside its transaction:
 * a whole bulk's users and plans, alive together, survive every young-generation garbage
 * collection of the bulk and are copied at each.
 */
const SLICE = 250;
/** The progress of the bulk in flight is told every this many users (it is redrawn a few times a second at most). */
const STEP_EVERY = 100;

/** Processes members [from, to) in one transaction, or [from, reached) when the time budget ran out first. */
async function processBulk(deps: EngineDeps, job: JobRow, from: number, to: number, before: Tally, now: () => Date): Promise<[Tally, number]> {
  const { planner } = deps;
  const { db, jobs, members } = deps.stores;
  const step = (what: ProgressStep['what'], done: number, of: number) =>
    deps.onProgress?.({ stage: 'Processing', processed: from, total: job.total, step: { what, done, of } });
  // better-sqlite3 transactions are synchronous, and scrypt is slow: hash the new passwords
  // first, in parallel, for the users that will need one as they are now.
  const passwords = planner.mayResetPasswords ? await newPasswords(members.bulk(job.id, from, to, planner.columns), planner, step) : undefined;
  const t = structuredClone(before);
  const bulk: BulkRun = { deps, job, t, passwords, at: now().toISOString() };
  let reached = to;
  const { records } = deps.stores;
  records.takeDiscardedKeys(); // those of a bulk that rolled back: its letters were not discarded
  db.transaction(() => {
    const started = performance.now();
    for (let slice = from; slice < to && reached === to; slice += SLICE) {
      for (const member of members.bulk(job.id, slice, Math.min(slice + SLICE, to), planner.columns)) {
        if (member.seq > from && performance.now() - started > TRANSACTION_BUDGET_MS) {
          reached = member.seq;
          break;
        }
        if ((member.seq - from) % STEP_EVERY === 0) step('users', member.seq - from, to - from);
        processMember(bulk, member);
      }
    }
    if (!jobs.checkpoint(job.id, from, reached, JSON.stringify(t), deps.owner)) throw new JobTakenOver(jobs, job.id);
  }).immediate();
  // The letters of the users this bulk deleted are discarded for good now: their passwords go with their keys.
  shredLetterKeys(db, records.takeDiscardedKeys());
  return [t, reached];
}

/** What every member of a bulk shares: the job, its tally, the new passwords, the time of its changes. */
interface BulkRun {
  deps: EngineDeps;
  job: JobRow;
  t: Tally;
  passwords: Map<number, { password: string; hash: string }> | undefined;
  at: string;
}

/** One member, inside its bulk's transaction: planned, counted, written with its audit row, issues and letter. */
function processMember({ deps, job, t, passwords, at }: BulkRun, member: BulkMember): void {
  const { planner, letters } = deps;
  const { results, audit } = deps.stores;
  // A member without a user may be one the job creates (users add, the undo of a deletion).
  const absent = member.user ? undefined : planner.planAbsent?.(member);
  const user = member.user ?? absent?.before;
  if (!user) {
    add(t, 'processed');
    add(t, 'errors');
    results.insertIssue(job.id, member.seq, member.primaryId, 'error', 'user-missing', 'the user no longer exists (deleted after the job started)');
    for (const a of t.actions) a.failed++;
    return;
  }
  let plan: UserPlan = absent ?? planner.plan(user);
  let password: string | undefined;
  if (plan.passwordReset && plan.after) {
    const p = passwords?.get(user.id);
    if (p) {
      plan.after.password_hash = p.hash;
      password = p.password;
    } else {
      plan = failedPlan(user, planner.labels.length, {
        severity: 'error', code: 'changed-meanwhile', message: 'the user was changed by someone else while the job ran; run the job again for this user',
      });
    }
  }
  countPlan(t, plan, planner.actionCounters);
  if (plan.after) {
    const userId = writeUserPlan(deps.stores, job, user, plan.after, plan, at);
    audit.insert({
      job_id: job.id, seq: member.seq, user_id: userId, primary_id: user.primary_id,
      operator: job.operator, reason: job.reason, at, changes: JSON.stringify(plan.changes),
    });
  }
  for (const i of plan.issues) results.insertIssue(job.id, member.seq, user.primary_id, i.severity, i.code, i.message);
  if (plan.letter && letters && planner.letterType) {
    // Only the password letter carries the new password; a user whose password is reset
    // without one is refused in preflight (resolveUpdateNotify), never silently locked out.
    const carried = planner.letterType === PASSWORD_LETTER ? password : undefined;
    const r = letters.queue({ jobId: job.id, user: { ...user, ...plan.after }, type: planner.letterType, password: carried });
    add(t, r.status === 'suppressed' ? 'letters_suppressed' : 'letters_queued');
  }
}

async function newPasswords(
  members: BulkMember[], planner: Planner, step: (what: 'passwords', done: number, of: number) => void,
): Promise<Map<number, { password: string; hash: string }>> {
  const ids = members.flatMap((m) => (m.user && planner.plan(m.user).passwordReset ? [m.user.id] : []));
  let hashed = 0;
  const entries = await Promise.all(
    ids.map(async (id) => {
      const password = generatePassword();
      const hash = await hashPassword(password);
      step('passwords', ++hashed, ids.length);
      return [id, { password, hash }] as const;
    }),
  );
  return new Map(entries);
}

/** Final counts of the job's letters, then Alma's final status. */
async function finish(deps: EngineDeps, id: string, forced: FinalStatus | undefined, tally: Tally, now: () => Date): Promise<JobRow> {
  const { letters, owner } = deps;
  const { jobs } = deps.stores;
  const t = structuredClone(tally);
  if (letters) {
    const j = jobs.get(id)!;
    if (forced !== 'Completed with No Bulks') await letters.deliver(id, lettersProgress(deps, 'Finalization', j.processed, j.total));
    Object.assign(t.counters, letterCounters(letters.counts(id)));
  }
  const status = forced ?? finalStatus(t);
  if (!jobs.finish(id, owner, status, now().toISOString(), null, JSON.stringify(t))) throw new JobTakenOver(jobs, id);
  return jobs.get(id)!;
}

/** Reports the letters sent as they go, under the users' counts of the job. */
function lettersProgress(deps: EngineDeps, stage: Stage, processed: number, total: number): ((sent: number, of: number) => void) | undefined {
  const on = deps.onProgress;
  return on && ((sent, of) => on({ stage, processed, total, step: { what: 'letters', done: sent, of } }));
}

/**
 * A letter refused for good is an error; a letter still pending after its retries (it
 * may yet go, with `mail retry`) or uncertain after a crash is a warning.
 */
export function finalStatus(t: Tally): FinalStatus {
  const c = t.counters;
  if ((c.errors ?? 0) > 0 || (c.letters_failed ?? 0) > 0) return 'Completed with Errors';
  if ((c.warnings ?? 0) > 0 || (c.letters_pending ?? 0) > 0 || (c.letters_uncertain ?? 0) > 0) return 'Completed with Warnings';
  return 'Completed Successfully';
}

/** A saved tally over a fresh one: counters the planner knows appear even when zero. */
function mergeTally(fresh: Tally, saved: Tally): Tally {
  return {
    counters: { ...fresh.counters, ...saved.counters },
    actions: saved.actions.length === fresh.actions.length ? saved.actions : fresh.actions,
  };
}
