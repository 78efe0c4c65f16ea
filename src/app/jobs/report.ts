import { describeChanges, RECORD_FIELD, type FieldChange } from '../../domain/jobs/changes.js';
import { isHolding, isResumable } from '../../domain/jobs/status.js';
import { letterCounters, parseTally, type ActionStat } from '../../domain/jobs/tally.js';
import { mapIterable } from '../../domain/iterables.js';
import type { Db } from '../../store/db.js';
import { JobResults, type IssueGroup } from '../../store/job-results.js';
import { JobStore, type JobRow } from '../../store/jobs.js';
import { countLetters, undeliveredByReply } from '../../store/outbox.js';
import { findJob } from './submit.js';
import { uncertainPasswordNote } from '../mail/uncertain.js';
import { pushLines, pushSummary } from '../alma/push-status.js';

/**
 * What `job show` (and every command that ends with a job's report: run, resume, abort,
 * undo), `job list` and `job report` tell about jobs. No zod here: they are read-only.
 */

export type { JobRow } from '../../store/jobs.js';

/** A job's report: `json` is what scripts read (--format json); the rest is laid out for people. */
export interface JobReport {
  job: JobRow;
  json: Record<string, unknown>;
  counters: Record<string, number>;
  actions: ActionStat[];
  issues: IssueGroup[];
  undoneBy: { id: string; status: string }[];
  /** What people should know or do next. */
  lines: string[];
}

/**
 * The job's letters that did not go, as rows of the errors-and-warnings table, grouped by
 * the server's reply (an address in it is masked, so one reason is one row).
 */
function letterIssues(db: Db, jobId: string): IssueGroup[] {
  const groups = new Map<string, IssueGroup>();
  for (const g of undeliveredByReply(db, jobId)) {
    const reply = (g.reply ?? 'no reply').replace(/<[^<>\s]*@[^<>\s]*>/g, '<address>');
    const row = g.status === 'failed'
      ? { severity: 'error', code: 'letter-failed', message: `letter refused: ${reply}` }
      : g.status === 'uncertain'
        ? { severity: 'warning', code: 'letter-uncertain', message: `letter uncertain: ${reply} (resend on purpose: alma-users mail retry --uncertain --job ${jobId})` }
        : { severity: 'warning', code: 'letter-pending', message: `letter not sent yet: ${reply} (send it: alma-users mail retry --job ${jobId})` };
    const key = `${row.code}\u0000${row.message}`;
    const seen = groups.get(key);
    if (seen) seen.users += g.letters;
    else groups.set(key, { ...row, users: g.letters });
  }
  return [...groups.values()].sort((a, b) => a.severity.localeCompare(b.severity) || b.users - a.users);
}

export function jobReport(db: Db, job: JobRow, notes: string[] = []): JobReport {
  const tally = parseTally(job.counters);
  const sendsLetters = 'letters_queued' in tally.counters;
  // Letters live on after the job (mail retry, discard): their counts are read as they are now.
  if (sendsLetters) Object.assign(tally.counters, letterCounters(countLetters(db, job.id)));
  const issues = [...new JobResults(db).issuesGrouped(job.id), ...(sendsLetters ? letterIssues(db, job.id) : [])];
  const undoneBy = new JobStore(db).undosOf(job.id).map((j) => ({ id: j.id, status: j.status }));
  const lines = [...notes];
  const uncertainPasswords = sendsLetters ? uncertainPasswordNote(db, job.id) : undefined;
  if (uncertainPasswords) lines.push(uncertainPasswords);
  if (job.error) lines.push(`error: ${job.error}`);
  if (isResumable(job.status)) {
    lines.push(undoneBy.length
      ? `${job.processed} of ${job.total} users were processed; the job was undone, so it cannot be resumed`
      : `${job.processed} of ${job.total} users were processed; finish the job with: alma-users job resume ${job.id}`);
  }
  const notRestored = tally.counters.passwords_not_restored ?? 0;
  if (notRestored > 0) lines.push(`${notRestored} password reset(s) by job ${job.undo_of ?? ''} are not undone: the audit keeps no password, and the users keep the temporary one`);
  if (isHolding(job.status)) lines.push(`the job is ${job.status.toLowerCase()}; stop it after its bulk in flight with: alma-users job cancel ${job.id}`);
  const almaPush = pushSummary(db, job.id);
  if (almaPush) lines.push(...pushLines(almaPush));
  const json = {
    id: job.id,
    type: job.type,
    name: job.name,
    status: job.status,
    stage: job.stage,
    set: job.set_name,
    set_id: job.set_id,
    operator: job.operator,
    reason: job.reason,
    parameters: JSON.parse(job.params) as Record<string, unknown>,
    total: job.total,
    processed: job.processed,
    counters: tally.counters,
    actions: tally.actions,
    issues,
    submitted: job.submitted_at,
    started: job.started_at,
    ended: job.ended_at,
    error: job.error,
    undo_of: job.undo_of,
    undone_by: undoneBy,
    notes,
    ...(almaPush ? { alma_push: almaPush } : {}),
  };
  return { job, json, counters: tally.counters, actions: tally.actions, issues, undoneBy, lines };
}

/** `job show ID`: a job by its id or a prefix of it. */
export function showJob(db: Db, id: string | undefined): JobReport {
  return jobReport(db, findJob(new JobStore(db), id));
}

/** `job report ID`: one row per member, in processing order (streamed). */
export function jobReportRows(db: Db, id: string | undefined) {
  const job = findJob(new JobStore(db), id);
  return mapIterable(new JobResults(db).reportRows(job.id), (r) => {
    const issues = r.issues ? (JSON.parse(r.issues) as { severity: string; message: string }[]) : [];
    const changes = r.changes ? (JSON.parse(r.changes) as FieldChange[]) : [];
    // A sync's rows are records of its files, told in a load's words (as users import reports them).
    const load = job.type === 'sync';
    const outcome = r.seq >= job.processed ? 'not processed'
      : issues.some((i) => i.severity === 'error') ? (load ? 'rejected' : 'error')
        : !changes.length ? 'unchanged'
          : !load ? 'changed'
            : changes.some((c) => c.field === RECORD_FIELD && c.before === null) ? 'created' : 'updated';
    return {
      primary_id: r.primary_id,
      outcome,
      changes: describeChanges(changes),
      letter: r.letter,
      reason: issues.map((i) => i.message).join('; '),
    };
  });
}
