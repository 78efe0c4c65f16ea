import { findJob } from '../jobs/submit.js';
import type { Db } from '../../store/db.js';
import { JobStore } from '../../store/jobs.js';
import { passwordLettersIn, resendUncertainOnce } from '../../store/outbox-states.js';

/**
 * Letters whose delivery is uncertain: the server had the whole letter and never answered (a
 * timeout, a dropped connection), or the sender died while the server had it. Nothing sends
 * one again on its own within a run. `job resume` and `mail retry` put back, once, those
 * without a password: they go again with the same Message-ID, which receivers' duplicate
 * filters key on, so a user gets one at most twice. A password letter is never sent twice:
 * its user needs a new password, which `mail retry --uncertain` issues.
 */

/** Puts back, once, the scope's uncertain letters without a password, and says so; returns how many. */
export function resendUncertain(db: Db, jobId: string | undefined, notes: { warn(message: string): void } | undefined): number {
  const n = resendUncertainOnce(db, jobId);
  if (n) {
    notes?.warn(`sending again ${n} letter(s) whose delivery was uncertain (the server had them and never answered), ` +
      'with the same Message-ID: a user whose mail system kept the first copy may see a second one; this is done only once');
  }
  return n;
}

/** What the job's report says of its uncertain password letters: the users, and the one command that gives them a new password. */
export function uncertainPasswordNote(db: Db, jobId: string): string | undefined {
  const rows = passwordLettersIn(db, ['uncertain'], jobId);
  if (rows.length === 0) return undefined;
  const SHOWN = 20;
  const users = rows.slice(0, SHOWN).map((r) => r.primary_id).join(', ') +
    (rows.length > SHOWN ? ` and ${rows.length - SHOWN} more (alma-users mail list --job ${jobId} --status uncertain)` : '');
  return `${rows.length} password letter(s) may or may not have been delivered, and a password is never sent twice: ${users}; ` +
    `give them a new temporary password with: alma-users mail retry --uncertain --job ${jobId}`;
}

/** `--job` of the mail commands: a job by its id or a prefix of it, as every command takes it; exit 2 naming it when there is none. */
export function jobScope(db: Db, text: string | undefined): string | undefined {
  return text === undefined ? undefined : findJob(new JobStore(db), text).id;
}
