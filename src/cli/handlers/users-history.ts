import { describeChange, PASSWORD_FIELD, type FieldChange } from '../../domain/jobs/changes.js';
import { NotFoundError, UsageError } from '../../domain/errors.js';
import { JobStore } from '../../store/jobs.js';
import type { Handler } from '../command.js';

/** `users history ID`: every recorded change to a user, oldest first, one line per field or element. */
export const history: Handler = (ctx, [id]) => {
  const primaryId = (id ?? '').trim();
  if (!primaryId) throw new UsageError('name a user by primary ID', 'e.g. alma-users users history 0012345');
  const user = ctx.users.get(primaryId);
  if (!user) throw new NotFoundError(`no user ${primaryId}`, 'find the primary ID with: alma-users users search NAME');
  const rows = new JobStore(ctx.store()).history(user.id).flatMap((a) =>
    (JSON.parse(a.changes) as FieldChange[]).map((c) => ({
      at: a.at,
      // Changes outside jobs are imports (their reason names the file).
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
  if (rows.length === 0) ctx.info(`no recorded changes to ${user.primary_id}`);
  return {
    output: {
      kind: 'list',
      columns: [
        { key: 'at', header: 'When' }, { key: 'job', header: 'Job' }, { key: 'operator', header: 'Operator' },
        { key: 'reason', header: 'Reason' }, { key: 'change', header: 'Change (before -> after)' },
      ],
      rows,
    },
  };
};
