import type { Issue, Planner, UserPlan } from './plan.js';

/**
 * A job's counts: users processed, changed, unchanged, with errors, with warnings, the
 * per-action counters (roles_added, passwords_reset, letters_queued...), and per action
 * how many users it changed, left alone or failed. Saved with each bulk's checkpoint.
 */

export interface ActionStat {
  action: string;
  changed: number;
  unchanged: number;
  failed: number;
}

export interface Tally {
  counters: Record<string, number>;
  actions: ActionStat[];
}

export const BASE_COUNTERS = ['processed', 'changed', 'unchanged', 'errors', 'warnings'] as const;

/** Counters kept for warnings of these kinds, so a report can say how many users lacked an e-mail. */
const ISSUE_COUNTERS: Record<string, string> = { 'no-email': 'no_email', 'external-account': 'external_skipped' };

export function newTally(planner: Pick<Planner, 'labels' | 'counters'>): Tally {
  const counters: Record<string, number> = {};
  for (const c of [...BASE_COUNTERS, ...planner.counters]) counters[c] = 0;
  return { counters, actions: planner.labels.map((action) => ({ action, changed: 0, unchanged: 0, failed: 0 })) };
}

export function add(t: Tally, counter: string, n = 1): void {
  t.counters[counter] = (t.counters[counter] ?? 0) + n;
}

/** Counts one planned user: its outcome, its actions' counters, its issues. */
export function countPlan(t: Tally, plan: UserPlan, actionCounters: readonly (string | undefined)[]): void {
  add(t, 'processed');
  if (plan.failed) add(t, 'errors');
  else if (plan.after) add(t, 'changed');
  else add(t, 'unchanged');
  countIssues(t, plan.issues);
  for (let i = 0; i < plan.outcomes.length; i++) {
    const o = plan.outcomes[i]!;
    const stat = t.actions[i];
    if (stat) stat[o]++;
    const counter = o === 'changed' ? actionCounters[i] : undefined;
    if (counter) add(t, counter);
  }
  if (plan.passwordReset && !plan.failed) add(t, 'passwords_reset');
  if (plan.extra) for (const [k, n] of Object.entries(plan.extra)) add(t, k, n);
}

export function countIssues(t: Tally, issues: readonly Issue[]): void {
  if (issues.some((i) => i.severity === 'warning')) add(t, 'warnings');
  for (const i of issues) {
    const c = ISSUE_COUNTERS[i.code];
    if (c) add(t, c);
  }
}

/** The letter counters of a job from its letters' statuses in the outbox (they change after `mail retry`). */
export function letterCounters(c: Record<string, number>): Record<string, number> {
  return {
    letters_sent: c.sent ?? 0,
    letters_failed: c.failed ?? 0,
    // Waiting for `mail retry` (temporary failures), or in flight in another process.
    letters_pending: (c.pending ?? 0) + (c.sending ?? 0),
    // A crash left them with the SMTP server: maybe delivered, never resent on their own.
    letters_uncertain: c.uncertain ?? 0,
  };
}

export function parseTally(text: string): Tally {
  const v = JSON.parse(text) as Partial<Tally>;
  return { counters: v.counters ?? {}, actions: v.actions ?? [] };
}
