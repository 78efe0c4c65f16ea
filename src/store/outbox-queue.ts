import { allowListMatcher } from '../domain/config.js';
import { ConflictError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { getConfig } from './config.js';
import type { Db } from './db.js';
import type { FIRST_STATUSES } from './outbox-states.js';
import { keepKey, newSealer } from './outbox-secrets.js';

/**
 * The transactional outbox. enqueue() is called inside the caller's transaction (a job's
 * bulk), so a letter exists exactly when the change it announces was committed; src/mail
 * sends it afterwards.
 */

export interface LetterToQueue {
  jobId: string | null;
  userId: number | null;
  primaryId: string;
  type: string;
  recipient: string;
  subject: string;
  html: string;
  text: string;
  /** The body holds a temporary password: erased as soon as the letter cannot be sent as it is. */
  carriesPassword: boolean;
  /** A password letter: the hash of the password it carries, to tell at sending whether it is still the user's. */
  passwordHash?: string | null | undefined;
}

export interface QueuedLetter {
  id: string;
  messageId: string;
  status: (typeof FIRST_STATUSES)[number];
}

export interface OutboxOptions {
  /**
   * The allow-list (comma-separated addresses and *@domain patterns); letters to other
   * addresses are suppressed. Default: the store's mail.allowed_emails; null: none.
   */
  allowedEmails?: string | null;
  /** The right-hand side of Message-IDs. Default: the domain of institution.email. */
  messageIdDomain?: string;
  now?: () => Date;
}

export const SUPPRESSED_REPLY = 'not sent: the address is outside mail.allowed_emails';

export class Outbox {
  private readonly insert;
  private readonly forget;
  private readonly allowed: ((address: string) => boolean) | undefined;
  private readonly domain: string;
  private readonly now: () => Date;

  constructor(private readonly db: Db, options: OutboxOptions = {}) {
    const allowList = options.allowedEmails === undefined ? getConfig(db, 'mail.allowed_emails') : options.allowedEmails ?? undefined;
    this.allowed = allowListMatcher(allowList);
    this.domain = options.messageIdDomain ?? messageIdDomain(getConfig(db, 'institution.email'));
    this.now = options.now ?? (() => new Date());
    this.insert = db.prepare(`INSERT INTO outbox (id, message_id, job_id, user_id, primary_id, notification_type, recipient,
      subject, body_text, body_html, status, last_reply, created_at, updated_at, carries_password, password_hash)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.forget = db.prepare('DELETE FROM outbox WHERE rowid = ?');
  }

  /** Whether a letter to this address would be sent (false: suppressed by the allow-list). */
  allows(address: string): boolean {
    return this.allowed ? this.allowed(address) : true;
  }

  /**
   * Queues one letter; synchronous, inside the caller's transaction. A letter to an
   * address outside the allow-list is recorded as suppressed, without its body.
   */
  enqueue(letter: LetterToQueue): QueuedLetter {
    const id = newId();
    const messageId = `<${id}@${this.domain}>`;
    const allowed = this.allows(letter.recipient);
    const at = this.now().toISOString();
    // A password letter's body is written sealed, never in plain text (outbox-secrets.ts);
    // its key is kept at the letter's rowid once the INSERT has picked it.
    const sealer = allowed && letter.carriesPassword ? newSealer() : undefined;
    const body = (text: string) => (!allowed ? null : sealer ? sealer.seal(text) : text);
    let slot: number;
    try {
      slot = Number(this.insert.run(
        id, messageId, letter.jobId, letter.userId, letter.primaryId, letter.type, letter.recipient, letter.subject,
        body(letter.text), body(letter.html),
        allowed ? 'pending' : 'suppressed', allowed ? null : SUPPRESSED_REPLY, at, at, letter.carriesPassword ? 1 : 0,
        allowed && letter.carriesPassword ? letter.passwordHash ?? null : null,
      ).lastInsertRowid);
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && letter.jobId !== null) {
        throw new ConflictError(`job ${letter.jobId} already queued a letter for user ${letter.primaryId}; a second one was refused`);
      }
      throw e;
    }
    if (sealer) {
      try {
        keepKey(this.db, slot, sealer.key);
      } catch (e) {
        // Never a sealed letter without its key, even when the caller commits what it has.
        this.forget.run(slot);
        throw e;
      }
    }
    return { id, messageId, status: allowed ? 'pending' : 'suppressed' };
  }

  /** A new Message-ID for a letter sent again with a new body (a reissued password letter). */
  newMessageId(): string {
    return `<${newId()}@${this.domain}>`;
  }
}

/** institution.email's domain, so Message-IDs name the library; a neutral one until it is set. */
export function messageIdDomain(email: string | undefined): string {
  const domain = email?.slice(email.lastIndexOf('@') + 1).trim();
  return domain && /^[A-Za-z0-9.-]+$/.test(domain) ? domain : 'alma-users.invalid';
}

