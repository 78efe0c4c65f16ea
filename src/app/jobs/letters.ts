import type { Db } from '../../store/db.js';
import { countLetters } from '../../store/outbox.js';
import { Outbox } from '../../store/outbox-queue.js';
import { deliver, newDeliveryRun } from '../mail/deliver.js';
import { openTransport } from '../mail/settings.js';
import { recoverInterrupted } from '../mail/recover.js';
import { resendUncertain } from '../mail/uncertain.js';
import { loadLetters } from '../letters/load.js';
import type { User } from '../../domain/user.js';
import { preferredEmail, type StoredUser } from '../../domain/user-fields.js';

/**
 * What the job engine needs of letters and mail: render and queue a letter inside a
 * bulk's transaction (synchronous), deliver after the bulk commits, and count what
 * happened to a job's letters. The engine sees only this port; openLetterPort builds it
 * from the letter templates, the outbox and the configured transport.
 */
export interface LetterPort {
  /** Preflight: the letter of this type renders for this user, or this throws. */
  check(type: string, sample: User): void;
  /** Renders and queues one letter in the caller's transaction. */
  queue(letter: { jobId: string; user: StoredUser; type: string; password?: string | undefined }): { status: string };
  /**
   * Sends the job's pending letters; called after each bulk commits. The calls of one job
   * run are one delivery run: a letter whose tries ran out is not tried again by later
   * bulks, and a server that took nothing stops the sending for the rest of the run.
   * `onSent` hears the letters sent so far of those this call sends (progress).
   */
  deliver(jobId: string, onSent?: ((sent: number, of: number) => void) | undefined): Promise<void>;
  /**
   * Before a run sends anything: settles what a dead sender left 'sending', and puts back,
   * once, the uncertain letters without a password an earlier run left (app/mail/uncertain.ts).
   */
  resume(jobId: string): void;
  /** The job's letters by status (pending, sent, failed, suppressed...). */
  counts(jobId: string): Record<string, number>;
}

export interface OpenedLetters {
  port: LetterPort;
  /** Whether a letter to this address would be sent (false: suppressed by mail.allowed_emails). */
  allows(address: string): boolean;
  /** Why sending stopped early (authentication, TLS...), if it did: those letters stay pending. */
  problem(): string | undefined;
  close(): Promise<void>;
}

export interface LetterPlace {
  db: Db;
  storePath: string;
  env: NodeJS.ProcessEnv;
  /** Told once when letters would go out with a default From address, and when letters go again (warnings only). */
  notes?: { warn(message: string): void } | undefined;
}

export async function openLetterPort(place: LetterPlace): Promise<OpenedLetters> {
  const { db } = place;
  const renderer = await loadLetters(db);
  const outbox = new Outbox(db);
  const transport = openTransport(place);
  const run = newDeliveryRun();
  const port: LetterPort = {
    check: (type, sample) => renderer.check(type, sample),
    queue({ jobId, user, type, password }) {
      // The plan queues a letter only for a user with an address.
      const recipient = preferredEmail(user)!;
      const letter = renderer.render({ user, type, password, jobId });
      return outbox.enqueue({
        jobId, userId: user.id, primaryId: user.primary_id, type, recipient, subject: letter.subject, html: letter.html, text: letter.text,
        carriesPassword: renderer.carriesPassword(type), passwordHash: user.password_hash,
      });
    },
    async deliver(jobId, onSent) {
      await deliver(db, { jobId, transport, run, onSent });
    },
    resume(jobId) {
      const r = recoverInterrupted(db);
      if (r.uncertain) place.notes?.warn(`${r.uncertain} letter(s) were with the SMTP server when a process died: marked uncertain`);
      resendUncertain(db, jobId, place.notes);
    },
    counts: (jobId) => countLetters(db, jobId),
  };
  return { port, allows: (address) => outbox.allows(address), problem: () => run.halted, close: () => transport.close() };
}
