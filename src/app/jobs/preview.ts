import type { JobMembers, MemberSelect } from '../../store/job-members.js';
import { preferredEmail } from '../../domain/user-fields.js';
import { describeChange } from '../../domain/jobs/changes.js';
import type { Planner, UserPlan } from '../../domain/jobs/plan.js';
import { add, countPlan, newTally, type Tally } from '../../domain/jobs/tally.js';

/**
 * The dry run: every member planned exactly as the job would, nothing written and nothing
 * sent. Reads the set's members as of now in primary-ID order, one row at a time.
 */

export interface PreviewSample {
  primary_id: string;
  changes: string[];
}

export interface PreviewIssue {
  severity: string;
  code: string;
  message: string;
  users: number;
}

export interface Preview {
  members: number;
  tally: Tally;
  /** The first users the job would change, with their changes before -> after. */
  samples: PreviewSample[];
  issues: PreviewIssue[];
}

/** What would happen to a user's letter: queued, or suppressed by the allow-list. */
export type PreviewLetter = 'queued' | 'suppressed' | undefined;

export interface PreviewOptions {
  /** The outbox's allow-list: a letter to another address would be suppressed, as the job would. */
  allowsLetterTo?: ((address: string) => boolean) | undefined;
  onPlan?: ((plan: UserPlan, letter: PreviewLetter) => void) | undefined;
  sampleSize?: number | undefined;
}

export function previewJob(reader: JobMembers, members: MemberSelect, planner: Planner, options: PreviewOptions = {}): Preview {
  const { allowsLetterTo, onPlan, sampleSize = 10 } = options;
  const tally = newTally(planner);
  const samples: PreviewSample[] = [];
  const issues = new Map<string, PreviewIssue>();
  for (const member of reader.selected(members, planner.columns)) {
    // A member without a user: one the job would create (the undo of a deletion), else one the job would report gone.
    const plan = member.user ? planner.plan(member.user) : planner.planAbsent?.(member);
    if (!plan) continue;
    countPlan(tally, plan, planner.actionCounters);
    let letter: PreviewLetter;
    if (plan.letter) {
      const to = preferredEmail({ ...plan.before, ...plan.after });
      letter = !to || !allowsLetterTo || allowsLetterTo(to) ? 'queued' : 'suppressed';
      add(tally, letter === 'queued' ? 'letters_queued' : 'letters_suppressed');
    }
    if (plan.after && samples.length < sampleSize) samples.push({ primary_id: plan.before.primary_id, changes: plan.changes.map(describeChange) });
    for (const i of plan.issues) {
      const key = `${i.severity}\u0000${i.code}\u0000${i.message}`;
      const g = issues.get(key);
      if (g) g.users++;
      else issues.set(key, { ...i, users: 1 });
    }
    onPlan?.(plan, letter);
  }
  return {
    members: tally.counters.processed ?? 0,
    tally,
    samples,
    issues: [...issues.values()].sort((a, b) => a.severity.localeCompare(b.severity) || b.users - a.users),
  };
}
