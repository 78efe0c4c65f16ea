import type { Db } from '../../store/db.js';
import { AuditTrail } from '../../store/audit.js';
import { UserColumnWriter } from '../../store/user-columns.js';
import { Outbox } from '../../store/outbox-queue.js';
import { passwordLettersIn, reissueLetter, type LetterStatus, type PasswordLetterRow } from '../../store/outbox-states.js';
import { UserStore } from '../../store/users.js';
import { isRestrictedAccount, type Operator } from '../../domain/authz.js';
import type { CodeBook } from '../../domain/codes.js';
import { PASSWORD_FIELD, PASSWORD_RESET, type FieldChange } from '../../domain/jobs/changes.js';
import { generatePassword, hashPassword } from '../../domain/password.js';
import { preferredEmail, type StoredUser } from '../../domain/user-fields.js';
import { loadLetters } from './load.js';

/**
 * `mail retry --failed / --uncertain` of password letters. Their bodies were erased when
 * they were refused or left uncertain (a temporary password exists in plain text only in a
 * letter that may still be sent), so they cannot be sent again as they were: each user gets
 * a NEW temporary password instead, and a new letter carrying it (a new Message-ID, to the
 * user's e-mail address as it is now). The user's new hash, the audit row (a password reset,
 * never the value) and the letter are written in one transaction. An uncertain letter may
 * have arrived: its password no longer works, the new letter says which does.
 */

export interface ReissueResult {
  reissued: number;
  skipped: { primary_id: string; reason: string }[];
}

interface Prepared {
  row: PasswordLetterRow;
  user: StoredUser;
  password: string;
  hash: string;
}

export async function reissuePasswordLetters(
  db: Db, opts: { statuses: readonly LetterStatus[]; jobId: string | undefined; operator: Operator; codes: CodeBook; now?: Date },
): Promise<ReissueResult> {
  const rows = passwordLettersIn(db, opts.statuses, opts.jobId);
  const result: ReissueResult = { reissued: 0, skipped: [] };
  if (rows.length === 0) return result;
  const users = new UserStore(db);
  const candidates: { row: PasswordLetterRow; user: StoredUser }[] = [];
  for (const row of rows) {
    const user = row.user_id === null ? undefined : users.getById(row.user_id);
    const why = !user ? 'the user no longer exists'
      : user.account_type === 'EXTERNAL' ? 'the account is external now: the SIS owns its password'
        : !preferredEmail(user) ? 'the user has no e-mail address now'
          : !opts.operator.isAdministrator && isRestrictedAccount(opts.codes, user)
            ? 'restricted account: only a User Administrator may reset its password' : undefined;
    if (why || !user) result.skipped.push({ primary_id: row.primary_id, reason: why ?? 'the user no longer exists' });
    else candidates.push({ row, user });
  }
  if (candidates.length === 0) return result;

  const renderer = await loadLetters(db);
  const outbox = new Outbox(db);
  const audit = new AuditTrail(db);
  const columns = new UserColumnWriter(db);
  // scrypt is slow on purpose: hashed before the transaction, in parallel.
  const prepared: Prepared[] = await Promise.all(candidates.map(async (c) => {
    const password = generatePassword();
    return { ...c, password, hash: await hashPassword(password) };
  }));
  const now = opts.now ?? new Date();
  const at = now.toISOString();
  const actor = opts.operator.user.primary_id;
  db.transaction(() => {
    for (const p of prepared) {
      const after = { ...p.user, password_hash: p.hash, force_password_change: true };
      const letter = renderer.render({ user: after, type: p.row.notification_type, password: p.password, jobId: p.row.job_id });
      const ok = reissueLetter(db, p.row.id, p.row.status, {
        messageId: outbox.newMessageId(), recipient: preferredEmail(after)!, subject: letter.subject, html: letter.html, text: letter.text,
        note: `a new temporary password, issued by ${actor} with mail retry: the letter before was ${p.row.status}`, passwordHash: p.hash,
      }, now);
      if (!ok) {
        result.skipped.push({ primary_id: p.row.primary_id, reason: 'the letter changed meanwhile (another process retried or discarded it)' });
        continue;
      }
      const changes: FieldChange[] = [{ field: PASSWORD_FIELD, before: null, after: PASSWORD_RESET }];
      if (!p.user.force_password_change) changes.push({ field: 'force_password_change', before: false, after: true });
      columns.write(p.user.id, after, ['password_hash', 'force_password_change'], actor, at);
      audit.insert({
        job_id: null, seq: null, user_id: p.user.id, primary_id: p.user.primary_id, operator: actor,
        reason: `mail retry: the password letter${p.row.job_id ? ` of job ${p.row.job_id}` : ''} was ${p.row.status}; a new temporary password was sent`,
        at, changes: JSON.stringify(changes),
      });
      result.reissued++;
    }
  }).immediate();
  return result;
}
