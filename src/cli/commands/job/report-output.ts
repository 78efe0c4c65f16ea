import type { JobReport } from '../../../app/jobs/report.js';
import type { Preview } from '../../../app/jobs/dry-run.js';
import { isHolding } from '../../../domain/jobs/status.js';
import { EXIT, type ExitCode } from '../../exit-codes.js';
import type { ReportOutput, Section } from '../../output.js';

/** How job reports and dry runs look: shared by show, run, resume, abort and undo. */

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

const ISSUE_COLUMNS = [{ key: 'severity', header: 'Severity' }, { key: 'message', header: 'Reason' }, { key: 'users', header: 'Users' }];

/** A job's report: the JSON for scripts and the tables for people. */
export function jobReportOutput(r: JobReport): ReportOutput {
  const { job } = r;
  const sections: Section[] = [
    {
      kind: 'fields',
      fields: [
        ['Job', job.id], ['Type', job.type], ['Name', job.name], ['Status', job.status],
        ['Stage', isHolding(job.status) || job.status.startsWith('Abort') || job.status === 'Failed' ? job.stage : undefined],
        ['Set', job.set_name], ['Operator', job.operator], ['Reason', job.reason],
        ['Undo of', job.undo_of], ['Undone by', r.undoneBy.map((u) => `${u.id} (${u.status})`).join(', ')],
        ['Submitted', job.submitted_at], ['Started', job.started_at], ['Ended', job.ended_at],
        ['Progress', `${job.processed} / ${job.total} users`],
      ],
    },
    {
      title: 'Counters', kind: 'table',
      columns: [{ key: 'counter', header: 'Counter' }, { key: 'count', header: 'Count' }],
      rows: Object.entries(r.counters).map(([k, n]) => ({ counter: COUNTER_LABELS[k] ?? k.replace(/_/g, ' '), count: n })),
    },
    {
      title: 'Actions', kind: 'table',
      columns: [{ key: 'action', header: 'Action' }, { key: 'changed', header: 'Changed' }, { key: 'unchanged', header: 'Unchanged' }, { key: 'failed', header: 'Failed' }],
      rows: r.actions.map((a) => ({ ...a })),
    },
    { title: 'Errors and warnings', kind: 'table', columns: ISSUE_COLUMNS, rows: r.issues.map((i) => ({ ...i })) },
    { kind: 'lines', lines: r.lines },
  ];
  return { kind: 'report', json: r.json, sections };
}

export interface DryRunDescription {
  set: string;
  jobLabel: string;
  previewFile: string | undefined;
  notes?: string[];
}

/** --dry-run: what the job would do, counted; exit 3 when some users would fail or warn. */
export function dryRunOutput(preview: Preview, d: DryRunDescription): { output: ReportOutput; exit: ExitCode } {
  const c = preview.tally.counters;
  const lines = [...(d.notes ?? []), `dry run: nothing was changed and nothing was sent`, ...(d.previewFile ? [`every user's planned change: ${d.previewFile}`] : [])];
  const output: ReportOutput = {
    kind: 'report',
    json: {
      dry_run: true, type: d.jobLabel, set: d.set, members: preview.members,
      counters: c, actions: preview.tally.actions, samples: preview.samples, issues: preview.issues, preview_file: d.previewFile ?? null,
    },
    sections: [
      { kind: 'fields', fields: [['Dry run', d.jobLabel], ['Set', d.set], ['Members', preview.members], ['Would change', c.changed], ['Unchanged', c.unchanged], ['Would fail', c.errors], ['With warnings', c.warnings]] },
      {
        title: 'Per action', kind: 'table',
        columns: [{ key: 'action', header: 'Action' }, { key: 'changed', header: 'Would change' }, { key: 'unchanged', header: 'Unchanged' }, { key: 'failed', header: 'Would fail' }],
        rows: preview.tally.actions.map((a) => ({ ...a })),
      },
      {
        title: `First ${preview.samples.length} users changed (before -> after)`, kind: 'table',
        columns: [{ key: 'primary_id', header: 'Primary ID' }, { key: 'changes', header: 'Changes' }],
        rows: preview.samples.map((s) => ({ primary_id: s.primary_id, changes: s.changes.join('; ') })),
      },
      { title: 'Errors and warnings', kind: 'table', columns: ISSUE_COLUMNS, rows: preview.issues.map((i) => ({ ...i })) },
      { kind: 'lines', lines },
    ],
  };
  return { output, exit: (c.errors ?? 0) > 0 || (c.warnings ?? 0) > 0 ? EXIT.partial : EXIT.ok };
}
