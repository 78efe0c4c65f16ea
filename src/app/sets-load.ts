import type { Db } from '../store/db.js';
import { MemberStaging, type StagedLine } from '../store/set-staging.js';
import { countItemizedMembers, insertSet, touchSet, type SetRecord } from '../store/sets.js';
import type { IdFile } from '../io/id-file.js';
import type { IdHeader } from '../io/id-lines.js';
import { requireFreeName } from './sets.js';

/**
 * Alma's Add Members to Set (and its reverse): reads an ID file, matches every ID in bulk
 * and reports each line it could not use. The file is staged in a temporary table first;
 * matching and the change to the set then happen in one transaction, so a load that fails
 * (or is refused by --fail-on-invalid) leaves the set exactly as it was.
 */

export type LoadOperation = 'add' | 'remove';

export const LOAD_STATUS = {
  ok: 'Completed Successfully',
  warnings: 'Completed with Warnings',
  failed: 'Failed',
} as const;
export type LoadStatus = (typeof LOAD_STATUS)[keyof typeof LOAD_STATUS];

export interface NotFoundLine {
  line: number;
  id: string;
  cell?: string;
  /** Leading zeros restored, the ID would match: said, never applied. */
  hint?: string;
}

export interface InvalidLine {
  line: number;
  id: string;
  reason: string;
  cell?: string;
}

export interface LoadWarning {
  line: number;
  cell?: string;
  id: string;
  message: string;
}

export interface MembersReport {
  set: string;
  /** Absent when `set create` failed, since no set was made. */
  set_id: string | null;
  operation: LoadOperation;
  status: LoadStatus;
  file: string;
  format: IdFile['format'];
  sheet?: string;
  header: IdHeader;
  /** What the IDs were matched against: `primary_id`, or `identifier BARCODE`. */
  matched_on: string;
  /** ID lines read: every line but the header and blank lines. */
  lines: number;
  blank_lines: number;
  added: number;
  already_member: number;
  removed: number;
  not_member: number;
  duplicates: number;
  not_found: NotFoundLine[];
  invalid: InvalidLine[];
  warnings: LoadWarning[];
  /** The set's size afterwards. */
  members: number;
}

export interface LoadPlan {
  set: SetRecord;
  /** The set is new: it is stored in the same transaction as its members, or not at all. */
  create: boolean;
  operation: LoadOperation;
  failOnInvalid: boolean;
  actor: string;
  now: Date;
}

/** Excel keeps 15 significant digits of a number; a longer ID typed as a number is already wrong. */
const EXCEL_DIGITS = 15;

function paddedHint(candidates: string[] | undefined): string | undefined {
  if (!candidates?.length) return undefined;
  if (candidates.length === 1) return `with its leading zeros restored it would match exactly one user: ${candidates[0]}`;
  return `with leading zeros restored it would match ${candidates.length} users (${candidates.slice(0, 5).join(', ')}${candidates.length > 5 ? ', …' : ''}), so it cannot be told which`;
}

function numericMessage(cell: string, id: string, matched: string | null, candidates: string[] | undefined, op: LoadOperation): string {
  let m = `${cell} holds the number ${id}, not text: Excel drops leading zeros from numbers (0123456 becomes 123456)`;
  if (id.replace(/^-/, '').length > EXCEL_DIGITS) m += `, and keeps only ${EXCEL_DIGITS} digits, so this ID is likely wrong`;
  const hint = paddedHint(candidates);
  if (matched) {
    m += `; it matched user ${matched} as written`;
    if (hint) m += `, but ${hint}: check which was meant`;
  } else {
    m += hint ? `; ${hint}. It was not ${op === 'add' ? 'added' : 'removed'}` : '; no user matches it, with or without leading zeros';
  }
  return `${m}. Format the column as Text and type the IDs again, or save the sheet as CSV from the source system`;
}

/**
 * Loads the file into the set (adds or removes its users) and returns the report. With
 * `failOnInvalid`, any line that matches no one, or cannot be an ID, fails the load and
 * nothing is written; the report says which lines.
 */
export async function loadMembers(db: Db, file: IdFile, plan: LoadPlan): Promise<MembersReport> {
  const staging = new MemberStaging(db);
  try {
    let lines = 0;
    let duplicates = 0;
    const invalid: InvalidLine[] = [];
    for await (const batch of file.batches()) {
      lines += batch.length;
      const usable: StagedLine[] = [];
      for (const l of batch) {
        if (l.invalid) invalid.push({ line: l.line, id: l.id, reason: l.invalid, ...(l.cell ? { cell: l.cell } : {}) });
        else usable.push(l);
      }
      duplicates += staging.stage(usable);
    }
    const type = file.header.identifierType;

    return db.transaction((): MembersReport => {
      staging.resolve(type);
      const found = staging.summary();
      const padded = found.digits > 0 ? staging.zeroPadded(type) : new Map<number, string[]>();
      const notFound: NotFoundLine[] = (found.notFound > 0 ? staging.notFound() : []).map((r) => {
        const hint = paddedHint(padded.get(r.line));
        return { line: r.line, id: r.id, ...(r.cell ? { cell: r.cell } : {}), ...(hint ? { hint } : {}) };
      });
      for (const a of found.ambiguous > 0 ? staging.ambiguous() : []) {
        invalid.push({ line: a.line, id: a.id, reason: `identifier ${type} ${a.id} belongs to ${a.hits} users`, ...(a.cell ? { cell: a.cell } : {}) });
      }
      invalid.sort((x, y) => x.line - y.line);
      const warnings: LoadWarning[] = (found.numeric > 0 ? staging.numericCells() : []).map((n) => ({
        line: n.line, cell: n.cell ?? '', id: n.id,
        message: numericMessage(n.cell ?? `line ${n.line}`, n.id, n.matched, padded.get(n.line), plan.operation),
      }));
      if (lines === 0) warnings.push({ line: 0, id: '', message: `${file.display} holds no IDs` });

      const report: MembersReport = {
        set: plan.set.name,
        set_id: plan.set.id,
        operation: plan.operation,
        status: LOAD_STATUS.ok,
        file: file.display,
        format: file.format,
        ...(file.sheet ? { sheet: file.sheet } : {}),
        header: file.header,
        matched_on: type ? `identifier ${type}` : 'primary_id',
        lines,
        blank_lines: file.blank,
        added: 0,
        already_member: 0,
        removed: 0,
        not_member: 0,
        duplicates,
        not_found: notFound,
        invalid,
        warnings,
        members: 0,
      };

      if (plan.failOnInvalid && notFound.length + invalid.length > 0) {
        report.status = LOAD_STATUS.failed;
        if (plan.create) report.set_id = null;
        else report.members = countItemizedMembers(db, plan.set.id);
        return report;
      }

      const at = plan.now.toISOString();
      if (plan.create) {
        requireFreeName(db, plan.set.name);
        insertSet(db, plan.set);
      } else {
        touchSet(db, plan.set.id, at, plan.actor);
      }
      const matched = found.matched;
      if (plan.operation === 'add') {
        report.already_member = plan.create ? 0 : staging.alreadyIn(plan.set.id);
        report.added = staging.addTo(plan.set.id);
        // Different IDs of one user (two barcodes, say) count once too.
        report.duplicates += matched - report.added - report.already_member;
      } else {
        const users = staging.distinctUsers();
        report.removed = staging.removeFrom(plan.set.id);
        report.not_member = users - report.removed;
        report.duplicates += matched - users;
      }
      report.members = plan.create ? report.added : countItemizedMembers(db, plan.set.id);
      const unused = report.already_member + report.not_member + report.duplicates + notFound.length + invalid.length;
      if (unused > 0 || warnings.length > 0) report.status = LOAD_STATUS.warnings;
      return report;
    }).immediate();
  } finally {
    staging.drop();
  }
}
