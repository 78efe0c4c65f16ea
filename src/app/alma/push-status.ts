import { AlmaStore, type PushRow, type PushUserState } from '../../store/alma.js';
import { processGone } from '../../domain/processes.js';
import type { Db } from '../../store/db.js';

/**
 * Where a push of a local job to Alma stands: `alma push JOB --status` shows it alone and
 * `job show` includes it. No zod here: both only read.
 */

export interface PushListed {
  primary_id: string;
  detail: unknown;
  at: string | null;
}

export interface PushSummary {
  job: string;
  method: 'job' | 'put';
  state: PushRow['state'];
  /** The process that runs the push, while one does (a runner known to be dead is not shown: the next push takes over). */
  runner: { pid: number; host: string | null } | null;
  users: Record<PushUserState, number>;
  calls: number;
  started: string;
  updated: string;
  ended: string | null;
  note: string | null;
  alma: {
    set_id: string | null;
    members_added: number;
    job: string | null;
    instance: string | null;
    status: string | null;
    report: unknown;
  } | null;
  conflicts: PushListed[];
  failures: PushListed[];
}

/** How many conflicts and failures a summary lists (the counts hold them all). */
const LISTED = 100;

function detail(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function pushSummary(db: Db, jobId: string): PushSummary | undefined {
  const store = new AlmaStore(db);
  const p = store.push(jobId);
  if (!p) return undefined;
  const listed = (state: PushUserState) => store.inState(jobId, state, LISTED).map((u) => ({ primary_id: u.primary_id, detail: detail(u.detail), at: u.at }));
  return {
    job: jobId, method: p.method, state: p.state, runner: runnerOf(p),
    users: store.counts(jobId), calls: p.calls,
    started: p.started_at, updated: p.updated_at, ended: p.ended_at, note: p.note,
    alma: p.method === 'job'
      ? { set_id: p.alma_set_id, members_added: p.members_added, job: p.alma_job, instance: p.alma_instance, status: p.alma_status, report: detail(p.alma_report) }
      : null,
    conflicts: listed('conflict'),
    failures: listed('failed'),
  };
}

function runnerOf(p: PushRow): PushSummary['runner'] {
  if (p.runner_pid === null || processGone({ pid: p.runner_pid, host: p.runner_host, boot: p.runner_boot })) return null;
  return { pid: p.runner_pid, host: p.runner_host };
}

/** The summary in a line or two, for `job show`. */
export function pushLines(s: PushSummary): string[] {
  const u = s.users;
  const lines = [
    `pushed to Alma by ${s.method}: ${s.state}; ${u.pushed} pushed, ${u.pending} pending, ${u.conflict} conflicts, ${u.failed} failed; ${s.calls} API calls` +
      (s.alma?.status ? `; Alma's job ${s.alma.job ?? ''} instance ${s.alma.instance ?? ''}: ${s.alma.status}` : ''),
  ];
  if (s.runner) lines.push(`being pushed by pid ${s.runner.pid} on ${s.runner.host ?? '?'}`);
  else if (s.state !== 'done') lines.push(`finish it with: alma-users alma push ${s.job}${s.note ? ` (${s.note})` : ''}`);
  return lines;
}
