import { csvCell } from '../../domain/csv-cell.js';
import { describeChanges } from '../../domain/jobs/changes.js';
import type { UserPlan } from '../../domain/jobs/plan.js';
import { openPrivateFile, type PrivateFile } from '../../io/private-file.js';
import type { Db } from '../../store/db.js';
import { JobMembers, type MemberSelect } from '../../store/job-members.js';
import { previewJob, type Preview, type PreviewLetter } from './preview.js';
import type { PreparedJob } from './run.js';

/**
 * `--dry-run` of `job run` and `job undo`: every member planned as the job would, nothing
 * written or sent; with `--preview-file`, every user's planned change written to a CSV file.
 */

export type { Preview } from './preview.js';

const PREVIEW_COLUMNS = ['primary_id', 'outcome', 'changes', 'letter', 'reason'];

/** `onPlan` also sees every plan (the undo's list of users it would restore). */
export function dryRunJob(db: Db, job: PreparedJob & { members: MemberSelect }, previewFile: string | undefined, onPlan?: (plan: UserPlan) => void): Preview {
  const writer = previewFile ? new CsvLines(previewFile) : undefined;
  return CsvLines.filling(writer, () => {
    writer?.line(PREVIEW_COLUMNS);
    return previewJob(new JobMembers(db), job.members, job.planner, {
      allowsLetterTo: job.letters?.allows,
      onPlan: writer || onPlan ? (plan, letter) => {
        writer?.line(previewRow(plan, letter));
        onPlan?.(plan);
      } : undefined,
    });
  });
}

function previewRow(plan: UserPlan, letter: PreviewLetter): string[] {
  const outcome = plan.failed ? 'error' : plan.after ? 'would change' : 'unchanged';
  const l = letter === 'queued' ? 'yes' : letter ?? '';
  return [plan.before.primary_id, outcome, describeChanges(plan.changes), l, plan.issues.map((i) => i.message).join('; ')];
}

/**
 * A CSV file written line by line in chunks, so a million-line preview never sits in memory;
 * created 0600, as it holds personal data (`job run` and `users import` previews).
 */
export class CsvLines {
  private readonly out: PrivateFile;
  private buffer: string[] = [];

  constructor(readonly file: string) {
    this.out = openPrivateFile({ option: '--preview-file', given: file, example: 'preview.csv' }, file);
  }

  line(cells: string[]): void {
    this.buffer.push(cells.map(csvCell).join(',') + '\r\n');
    if (this.buffer.length >= 1000) this.flush();
  }

  close(): void {
    this.flush();
    this.out.commit();
  }

  /** Removes what was written: a run that failed leaves no half-written preview. */
  abort(): void {
    this.buffer = [];
    this.out.abort();
  }

  /** What `fill` returns (or resolves to), with the file put in place after it; removed when `fill` fails. */
  static filling<T>(file: CsvLines | undefined, fill: () => T): T {
    let r: T;
    try {
      r = fill();
    } catch (e) {
      file?.abort();
      throw e;
    }
    if (!(r instanceof Promise)) {
      file?.close();
      return r;
    }
    return r.then((v) => {
      file?.close();
      return v;
    }, (e: unknown) => {
      file?.abort();
      throw e;
    }) as T;
  }

  private flush(): void {
    if (this.buffer.length) this.out.write(this.buffer.join(''));
    this.buffer = [];
  }
}
