import { NotFoundError, UsageError } from '../domain/errors.js';
import { describeChange, PASSWORD_FIELD, type FieldChange } from '../domain/jobs/changes.js';
import type { Db } from '../store/db.js';
import { AuditTrail } from '../store/audit.js';
import { UserRecords } from '../store/user-records.js';
import { UserStore } from '../store/users.js';

/** One changed field (or list element) of one recorded change. */
export type HistoryLine = {
  at: string;
  /** The job's ID; changes outside jobs are imports, whose reason names the file. */
  job: string;
  job_type: string | null;
  operator: string;
  reason: string | null;
  field: string;
  key: string | null;
  before: unknown;
  after: unknown;
  /** The change in words, for people: `user_group: STAFF -> FACULTY`. */
  change: string;
};

/** How a user that no longer exists went: the job that deleted it, and whether it was a purge. */
export interface Gone {
  job: string;
  job_type: string | null;
  at: string;
}

/**
 * `users history ID`: every recorded change to a user, oldest first, one line per field or
 * element; of a user that was deleted or purged too, with how it went (`gone`).
 */
export function userHistory(db: Db, id: string): { primaryId: string; lines: HistoryLine[]; gone?: Gone } {
  const primaryId = id.trim();
  if (!primaryId) throw new UsageError('name a user by primary ID', 'e.g. alma-users users history 0012345');
  const user = new UserStore(db).get(primaryId);
  const userId = user?.id ?? new UserRecords(db).goneUserId(primaryId);
  if (userId === undefined) throw new NotFoundError(`no user ${primaryId}`, 'find the primary ID with: alma-users users search NAME');
  const rows = new AuditTrail(db).history(userId);
  const lines = rows.flatMap((a) =>
    (JSON.parse(a.changes) as FieldChange[]).map((c) => ({
      at: a.at,
      job: a.job_id ?? 'import',
      job_type: a.job_type,
      operator: a.operator,
      reason: a.reason,
      field: c.field,
      key: c.key ?? null,
      // A password is recorded as reset, never with a value.
      before: c.field === PASSWORD_FIELD ? null : c.before,
      after: c.field === PASSWORD_FIELD ? 'reset' : c.after,
      change: describeChange(c),
    })),
  );
  if (user) return { primaryId: user.primary_id, lines };
  const last = rows[rows.length - 1];
  const gone = last?.job_id && lines.some((l) => l.job === last.job_id && l.change === 'user deleted')
    ? { job: last.job_id, job_type: last.job_type, at: last.at }
    : undefined;
  return { primaryId: last?.primary_id ?? primaryId, lines, ...(gone ? { gone } : {}) };
}
