import type { User } from '../user.js';
import type { StoredUser } from '../user-fields.js';

/**
 * What the job engine needs of letters and mail: render and queue a letter inside a
 * bulk's transaction (synchronous), deliver after the bulk commits, and count what
 * happened to a job's letters. Built from src/core/letters, src/store/outbox and src/mail
 * by openLetterPort; the engine sees only this.
 */
export interface LetterPort {
  /** Preflight: the letter of this type renders for this user, or this throws. */
  check(type: string, sample: User): void;
  /** Renders and queues one letter in the caller's transaction. */
  queue(letter: { jobId: string; user: StoredUser; type: string; password?: string | undefined }): { status: string };
  /** Sends the job's pending letters; called after each bulk commits. */
  deliver(jobId: string): Promise<void>;
  /** The job's letters by status (pending, sent, failed, suppressed...). */
  counts(jobId: string): Record<string, number>;
}
