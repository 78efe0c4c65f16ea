import type { PushPlan } from '../../../app/alma/push.js';
import type { PushSummary } from '../../../app/alma/push-status.js';
import type { ReportOutput, Section } from '../../output.js';

/** How a push looks: its plan (--dry-run) and its state (after a run, or --status). */

const text = (v: unknown) => (v === null || v === undefined || v === '' ? '(empty)' : typeof v === 'string' ? v : JSON.stringify(v));

function duration(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function planSections(p: PushPlan): Section[] {
  return [
    {
      kind: 'fields',
      fields: [
        ['Job', p.job], ['Method', p.method], ['Why', p.why], ['Users', p.users],
        ['Users by state', Object.entries(p.states).map(([k, n]) => `${n} ${k}`).join(', ')],
        ['API calls', p.method === 'job' ? `${p.calls}, and one every few seconds while Alma's job runs` : p.calls],
        ['Time at the rate', `${duration(p.seconds)} at ${p.rate} calls a second`],
      ],
    },
    { kind: 'lines', lines: p.notes },
  ];
}

export function summarySections(s: PushSummary): Section[] {
  const u = s.users;
  const report = (s.alma?.report ?? {}) as { counters?: { desc: string; type: string; value: string }[]; alerts?: string[] };
  return [
    {
      title: 'Push to Alma', kind: 'fields',
      fields: [
        ['Job', s.job], ['Method', s.method], ['State', s.state], ['Run by', s.runner ? `pid ${s.runner.pid} on ${s.runner.host ?? '?'}` : undefined], ['Pushed', u.pushed], ['Pending', u.pending], ['Conflicts', u.conflict], ['Failed', u.failed],
        ['API calls', s.calls], ['Started', s.started], ['Ended', s.ended ?? undefined], ['Note', s.note ?? undefined],
        ['Alma set', s.alma?.set_id ?? undefined], ["Alma's job", s.alma?.job ? `${s.alma.job} instance ${s.alma.instance ?? '(not started)'}` : undefined],
        ["Alma's status", s.alma?.status ?? undefined],
      ],
    },
    ...(report.counters?.length
      ? [{ title: "Alma's counters", kind: 'table' as const, columns: [{ key: 'counter', header: 'Counter' }, { key: 'value', header: 'Value' }],
        rows: report.counters.map((c) => ({ counter: c.desc || c.type, value: c.value })) }]
      : []),
    ...(report.alerts?.length ? [{ title: "Alma's alerts", kind: 'lines' as const, lines: report.alerts }] : []),
    {
      title: 'Conflicts (changed in Alma since the pull; left alone there)', kind: 'table',
      columns: [{ key: 'primary_id', header: 'Primary ID' }, { key: 'field', header: 'Field' }, { key: 'alma', header: 'In Alma', free: true }, { key: 'job', header: 'The job', free: true }],
      rows: s.conflicts.flatMap((c) => (Array.isArray(c.detail) ? c.detail : []).map((d: { field: string; alma: unknown; job: unknown }) => ({
        primary_id: c.primary_id, field: d.field, alma: text(d.alma), job: text(d.job),
      }))),
    },
    {
      title: 'Failed', kind: 'table',
      columns: [{ key: 'primary_id', header: 'Primary ID' }, { key: 'reason', header: 'Reason', free: true }],
      rows: s.failures.map((f) => ({ primary_id: f.primary_id, reason: text(f.detail) })),
    },
  ];
}

export function pushOutput(plan: PushPlan | undefined, summary: PushSummary | undefined, lines: string[]): ReportOutput {
  return {
    kind: 'report',
    json: { ...(plan ? { plan } : {}), push: summary ?? null },
    sections: [...(plan ? planSections(plan) : []), ...(summary ? summarySections(summary) : []), { kind: 'lines', lines }],
  };
}
