import type { Operator } from '../../domain/authz.js';
import { ConflictError, UsageError } from '../../domain/errors.js';
import { almaJobParameters, type AlmaJobMapping } from '../../domain/jobs/alma-params.js';
import type { UpdateNotifyParams } from '../../domain/jobs/action-table.js';
import { isHolding } from '../../domain/jobs/status.js';
import { processGone, thisProcess } from '../../domain/processes.js';
import { AlmaStore } from '../../store/alma.js';
import { AuditTrail } from '../../store/audit.js';
import { loadCodeBook } from '../../store/codes.js';
import type { Db } from '../../store/db.js';
import { JobStore, type JobRow } from '../../store/jobs.js';
import { requireJobControl } from '../jobs/control.js';
import { findJob } from '../jobs/submit.js';
import { almaClient, almaSettings, type AlmaAccess } from './connection.js';
import { pushByJob } from './push-job.js';
import { pushByPut } from './push-put.js';
import type { PushProgress } from './push-run.js';
import { pushSummary, type PushSummary } from './push-status.js';
import { AlmaRecords } from './records.js';

/**
 * `alma push JOB_ID`: a finished local job's changes sent to Alma, by Alma's own
 * Update/Notify Users job on an itemized set (`job`: about a call per 1,000 users) or by
 * GET and swap-all PUT per user (`put`: two calls a user, with a conflict check). `auto`
 * takes `job` when every action of the job maps to one of that job's parameters.
 */

export const PUSH_METHODS = ['auto', 'job', 'put'] as const;
export type PushMethod = (typeof PUSH_METHODS)[number];

export interface PushOptions {
  method?: PushMethod | undefined;
  dryRun?: boolean | undefined;
  keepSet?: boolean | undefined;
  runAgain?: boolean | undefined;
}

export interface PushPlan {
  job: string;
  method: 'job' | 'put';
  /** Why this method: the actions that do not map, or what was asked. */
  why: string;
  users: number;
  /** Users per state, before this run (a resumed push has some done). */
  states: Record<string, number>;
  calls: number;
  seconds: number;
  rate: number;
  notes: string[];
}

export interface PushResult {
  plan: PushPlan;
  summary: PushSummary | undefined;
  stopped: string | null;
}

function mapping(db: Db, job: JobRow): AlmaJobMapping | undefined {
  if (job.type !== 'update-notify') return undefined;
  const book = loadCodeBook(db);
  return almaJobParameters(JSON.parse(job.params) as UpdateNotifyParams, (role) => book.get('role', role)?.attrs.alma_code);
}

function choose(job: JobRow, asked: PushMethod, map: AlmaJobMapping | undefined, recorded: 'job' | 'put' | undefined): { method: 'job' | 'put'; why: string } {
  if (recorded) {
    if (asked !== 'auto' && asked !== recorded) throw new UsageError(`job ${job.id} is being pushed by ${recorded}; finish it that way (leave out --method)`);
    return { method: recorded, why: 'the push under way' };
  }
  const notMapped = !map
    ? `a ${job.type} job is not an update/notify job: Alma's job cannot replay it`
    : map.unmapped.map((u) => `${u.option}: ${u.why}`).join('; ');
  if (asked === 'job') {
    if (notMapped) throw new UsageError(`job ${job.id} cannot be pushed by Alma's Update/Notify Users job: ${notMapped}`, 'push it with --method put');
    return { method: 'job', why: 'asked for (--method job)' };
  }
  if (asked === 'put') return { method: 'put', why: 'asked for (--method put)' };
  return notMapped ? { method: 'put', why: `not every action maps to Alma's job: ${notMapped}` } : { method: 'job', why: "every action maps to a parameter of Alma's Update/Notify Users job" };
}

function estimate(method: 'job' | 'put', pending: number): number {
  // Polls of the instance are not counted: one every few seconds while Alma's job runs.
  return method === 'put' ? 2 * pending : pending === 0 ? 0 : 1 + Math.ceil(pending / 1000) + 1 + 1;
}

export async function pushJob(db: Db, op: Operator, access: AlmaAccess, jobText: string, o: PushOptions, progress?: PushProgress): Promise<PushResult> {
  const job = findJob(new JobStore(db), jobText);
  requireJobControl(op, job, 'push');
  if (isHolding(job.status)) throw new ConflictError(`job ${job.id} is ${job.status.toLowerCase()}; push it when it has finished`);
  const store = new AlmaStore(db);
  const existing = store.push(job.id);
  const map = mapping(db, job);
  const { method, why } = choose(job, o.method ?? 'auto', map, existing?.method);
  const settings = almaSettings(db);
  const changed = existing ? Object.values(store.counts(job.id)).reduce((a, b) => a + b, 0) : new AuditTrail(db).countChangedBy(job.id);
  const states = existing ? store.counts(job.id) : { pending: changed, pushed: 0, conflict: 0, failed: 0 };
  const calls = estimate(method, method === 'put' ? states.pending : existing?.state === 'done' ? 0 : changed);
  const notes: string[] = [];
  if (method === 'put' && map && (JSON.parse(job.params) as UpdateNotifyParams).notify !== undefined) {
    notes.push("no letter is sent by a push by put: Alma sends the job's letter only with --method job");
  }
  const plan: PushPlan = { job: job.id, method, why, users: changed, states, calls, seconds: Math.ceil(calls / settings.rate), rate: settings.rate, notes };
  if (o.dryRun || existing?.state === 'done') return { plan, summary: pushSummary(db, job.id), stopped: null };
  if (changed === 0) return { plan, summary: undefined, stopped: null };

  const { client } = almaClient(db, access);
  const now = () => new Date().toISOString();
  const claim = store.claimPush(job.id, method, thisProcess(), now(), processGone);
  if (claim.done) return { plan, summary: pushSummary(db, job.id), stopped: null };
  if (claim.heldBy) {
    throw new ConflictError(`job ${job.id} is being pushed to Alma by another process (pid ${claim.heldBy.pid} on ${claim.heldBy.host}); nothing was sent`,
      `wait for it to end (alma-users alma push ${job.id} --status), then run the same push again if it stopped`);
  }
  const run = { job, store, client, settings, records: new AlmaRecords(db, loadCodeBook(db)), progress, now };
  let stopped: string | null;
  try {
    stopped = method === 'put'
      ? await pushByPut(run)
      : await pushByJob(run, { parameters: map!.parameters, keepSet: o.keepSet === true, runAgain: o.runAgain === true });
  } catch (e) {
    store.updatePush(job.id, { state: 'stopped', note: e instanceof Error ? e.message : String(e), updated_at: now() });
    throw e;
  } finally {
    const before = store.push(job.id)!;
    store.updatePush(job.id, { calls: before.calls + client.calls, updated_at: now() });
    store.releasePush(job.id);
  }
  const pending = store.counts(job.id).pending;
  store.updatePush(job.id, stopped || pending
    ? { state: 'stopped', note: stopped ?? `${pending} users pending`, updated_at: now() }
    : { state: 'done', note: store.push(job.id)!.note, ended_at: now(), updated_at: now() });
  return { plan, summary: pushSummary(db, job.id), stopped };
}

/** `alma push JOB --status`: the push's state alone; no call to Alma. */
export function pushStatus(db: Db, jobText: string): PushSummary {
  const job = findJob(new JobStore(db), jobText);
  const s = pushSummary(db, job.id);
  if (!s) throw new UsageError(`job ${job.id} has not been pushed to Alma`, `push it: alma-users alma push ${job.id} --dry-run`);
  return s;
}
