import type { Db } from '../../store/db.js';
import { rowToUser } from '../../store/users.js';
import { describeChange } from './changes.js';
import type { MemberSelect } from './engine.js';
import type { Planner, UserPlan } from './plan.js';
import { add, countPlan, newTally, type Tally } from './tally.js';

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

export function previewJob(
  db: Db,
  members: MemberSelect,
  planner: Planner,
  onPlan?: (plan: UserPlan) => void,
  sampleSize = 10,
): Preview {
  const tally = newTally(planner);
  const samples: PreviewSample[] = [];
  const issues = new Map<string, PreviewIssue>();
  const stmt = db.prepare(`SELECT u.* FROM users u JOIN (${members.sql}) AS m ON m.user_id = u.id ORDER BY u.primary_id COLLATE NOCASE, u.id`);
  for (const row of stmt.iterate(...members.params)) {
    const plan = planner.plan(rowToUser(row as Record<string, string | number | null>));
    countPlan(tally, plan, planner.actionCounters);
    if (plan.letter) add(tally, 'letters_queued');
    if (plan.after && samples.length < sampleSize) samples.push({ primary_id: plan.before.primary_id, changes: plan.changes.map(describeChange) });
    for (const i of plan.issues) {
      const key = `${i.severity}\u0000${i.code}\u0000${i.message}`;
      const g = issues.get(key);
      if (g) g.users++;
      else issues.set(key, { ...i, users: 1 });
    }
    onPlan?.(plan);
  }
  return {
    members: tally.counters.processed ?? 0,
    tally,
    samples,
    issues: [...issues.values()].sort((a, b) => a.severity.localeCompare(b.severity) || b.users - a.users),
  };
}
