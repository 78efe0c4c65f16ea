import { z } from 'zod';
import { describeChanges, type FieldChange } from '../../domain/jobs/changes.js';
import { isHolding, isResumable } from '../../domain/jobs/status.js';
import { findJob } from '../../app/jobs/submit.js';
import { letterCounters, parseTally } from '../../domain/jobs/tally.js';
import { mapIterable } from '../../domain/iterables.js';
import type { Db } from '../../store/db.js';
import { JobStore, type JobRow } from '../../store/jobs.js';
import { countLetters, undeliveredByReply } from '../../store/outbox.js';
import { parseOptions, type Handler } from '../command.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { ReportOutput, Section } from '../output.js';

/**
 * The job's letters that did not go, as rows of the errors-and-warnings table, grouped by
 * the server's reply (an address in it is masked, so one reason is one row).
 */
function letterIssues(db: Db, jobId: string): { severity: string; code: string; message: string; users: number }[] {
  const groups = new Map<string, { severity: string; code: string; message: string; users: number }>();
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

/** The published exit code of a job's final status (README, "Exit codes"). */
export function exitForStatus(status: string): ExitCode {
  switch (status) {
    case 'Completed Successfully':
    case 'Completed with No Bulks':
      return EXIT.ok;
    case 'Completed with Warnings':
    case 'Completed with Errors':
      return EXIT.partial;
    default:
      return EXIT.failure;
  }
}

/** What people read for a counter's name in the report's table. */
const COUNTER_LABELS: Record<string, string> = {
  processed: 'users processed', changed: 'users changed', unchanged: 'users unchanged',
  errors: 'users with errors', warnings: 'users with warnings', no_email: 'users without e-mail',
  external_skipped: 'external users skipped',
};

function params(job: JobRow): Record<string, unknown> {
  return JSON.parse(job.params) as Record<string, unknown>;
}

/** A job's report: the JSON for scripts and the tables for people (job run, show, resume, undo). */
export function jobReport(db: Db, job: JobRow, notes: string[] = []): ReportOutput {
  const jobs = new JobStore(db);
  const tally = parseTally(job.counters);
  const sendsLetters = 'letters_queued' in tally.counters;
  // Letters live on after the job (mail retry, discard): their counts are read as they are now.
  if (sendsLetters) Object.assign(tally.counters, letterCounters(countLetters(db, job.id)));
  const issues = [...jobs.issuesGrouped(job.id), ...(sendsLetters ? letterIssues(db, job.id) : [])];
  const undoneBy = jobs.undosOf(job.id).map((j) => ({ id: j.id, status: j.status }));
  const lines = [...notes];
  if (job.error) lines.push(`error: ${job.error}`);
  if (isResumable(job.status)) {
    lines.push(undoneBy.length
      ? `${job.processed} of ${job.total} users were processed; the job was undone, so it cannot be resumed`
      : `${job.processed} of ${job.total} users were processed; finish the job with: alma-users job resume ${job.id}`);
  }
  const notRestored = tally.counters.passwords_not_restored ?? 0;
  if (notRestored > 0) lines.push(`${notRestored} password reset(s) by job ${job.undo_of ?? ''} are not undone: the audit keeps no password, and the users keep the temporary one`);
  if (isHolding(job.status)) lines.push(`the job is ${job.status.toLowerCase()}; stop it after its bulk in flight with: alma-users job cancel ${job.id}`);
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
    parameters: params(job),
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
  };
  const sections: Section[] = [
    {
      kind: 'fields',
      fields: [
        ['Job', job.id], ['Type', job.type], ['Name', job.name], ['Status', job.status],
        ['Stage', isHolding(job.status) || job.status.startsWith('Abort') || job.status === 'Failed' ? job.stage : undefined],
        ['Set', job.set_name], ['Operator', job.operator], ['Reason', job.reason],
        ['Undo of', job.undo_of], ['Undone by', undoneBy.map((u) => `${u.id} (${u.status})`).join(', ')],
        ['Submitted', job.submitted_at], ['Started', job.started_at], ['Ended', job.ended_at],
        ['Progress', `${job.processed} / ${job.total} users`],
      ],
    },
    {
      title: 'Counters', kind: 'table',
      columns: [{ key: 'counter', header: 'Counter' }, { key: 'count', header: 'Count' }],
      rows: Object.entries(tally.counters).map(([k, n]) => ({ counter: COUNTER_LABELS[k] ?? k.replace(/_/g, ' '), count: n })),
    },
    {
      title: 'Actions', kind: 'table',
      columns: [{ key: 'action', header: 'Action' }, { key: 'changed', header: 'Changed' }, { key: 'unchanged', header: 'Unchanged' }, { key: 'failed', header: 'Failed' }],
      rows: tally.actions.map((a) => ({ ...a })),
    },
    {
      title: 'Errors and warnings', kind: 'table',
      columns: [{ key: 'severity', header: 'Severity' }, { key: 'message', header: 'Reason' }, { key: 'users', header: 'Users' }],
      rows: issues,
    },
    { kind: 'lines', lines },
  ];
  return { kind: 'report', json, sections };
}

const listOptions = z.object({
  running: z.boolean().optional(),
  history: z.boolean().optional(),
  limit: z.coerce.number().int().positive().default(50),
});

export const list: Handler = (ctx, _args, opts) => {
  const o = parseOptions(listOptions, opts);
  const rows = new JobStore(ctx.store()).list(o).map((j) => ({
    id: j.id, name: j.name, type: j.type, set: j.set_name, operator: j.operator, submitted: j.submitted_at, status: j.status,
    stage: j.stage, progress: j.total ? `${Math.floor((j.processed / j.total) * 100)}%` : isHolding(j.status) ? '' : '100%',
    processed: j.processed, total: j.total,
  }));
  return {
    output: {
      kind: 'list',
      columns: [
        { key: 'id', header: 'Job' }, { key: 'name', header: 'Name' }, { key: 'set', header: 'Set' },
        { key: 'operator', header: 'Operator' }, { key: 'submitted', header: 'Submitted' }, { key: 'status', header: 'Status' },
        { key: 'progress', header: 'Progress' }, { key: 'processed', header: 'Processed' }, { key: 'total', header: 'Total' },
      ],
      rows,
    },
  };
};

export const show: Handler = (ctx, [id]) => {
  const db = ctx.store();
  const job = findJob(new JobStore(db), id);
  return { output: jobReport(db, job) };
};

export const report: Handler = (ctx, [id]) => {
  const db = ctx.store();
  const jobs = new JobStore(db);
  const job = findJob(jobs, id);
  const rows = mapIterable(jobs.reportRows(job.id), (r) => {
    const issues = r.issues ? (JSON.parse(r.issues) as { severity: string; message: string }[]) : [];
    const changes = r.changes ? (JSON.parse(r.changes) as FieldChange[]) : [];
    const outcome = r.seq >= job.processed ? 'not processed'
      : issues.some((i) => i.severity === 'error') ? 'error'
        : changes.length ? 'changed' : 'unchanged';
    return {
      primary_id: r.primary_id,
      outcome,
      changes: describeChanges(changes),
      letter: r.letter,
      reason: issues.map((i) => i.message).join('; '),
    };
  });
  return {
    output: {
      kind: 'list',
      columns: [
        { key: 'primary_id', header: 'Primary ID' }, { key: 'outcome', header: 'Outcome' }, { key: 'changes', header: 'Changes' },
        { key: 'letter', header: 'Letter' }, { key: 'reason', header: 'Reason' },
      ],
      rows,
    },
  };
};
