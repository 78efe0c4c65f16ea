import { z } from 'zod';
import type { Operator } from '../../domain/authz.js';
import type { CodeBook } from '../../domain/codes.js';
import type { Db } from '../../store/db.js';
import { discardLetters, passwordLettersIn, requeueLetters, UNSENT_STATUSES, type LetterStatus } from '../../store/outbox-states.js';
import { deliver, type DeliveryResult } from './deliver.js';
import { noteRecovery, recoverInterrupted, type Notes } from './recover.js';
import { openTransport } from './settings.js';
import { jobScope, resendUncertain } from './uncertain.js';

export const retryOptions = z.object({
  job: z.string().trim().min(1).optional(),
  uncertain: z.boolean().optional(),
  failed: z.boolean().optional(),
});
export type RetryOptions = z.output<typeof retryOptions>;

export interface RetryPlace {
  db: Db;
  storePath: string;
  env: NodeJS.ProcessEnv;
  /** Told once when letters would go out with a default From address (warnings only). */
  notes?: { warn(message: string): void } | undefined;
  operator: Operator;
  codes: CodeBook;
}

/**
 * `mail retry`: sends the pending letters (of one job, or all) now, including those whose
 * next try is not due yet: a person asked; and, once, the uncertain letters without a
 * password (uncertain.ts). Failed letters, and uncertain ones beyond that, are sent again
 * only when asked for by name (--failed, --uncertain): those without a password as they
 * were; a password letter, which kept no body, as a new temporary password in a new letter.
 */
export async function retryMail(place: RetryPlace, o: RetryOptions, notes: Notes): Promise<{ result: DeliveryResult; via: string; uncertainPasswords: number }> {
  const { db } = place;
  const job = jobScope(db, o.job);
  const transport = openTransport({ ...place, warnOnFirstLetter: true });
  try {
    const again: LetterStatus[] = [...(o.uncertain ? ['uncertain' as const] : []), ...(o.failed ? ['failed' as const] : [])];
    noteRecovery(notes, recoverInterrupted(db));
    if (again.length) {
      const n = requeueLetters(db, again, job);
      if (n) notes.info(`resending ${n} ${again.join(' or ')} letter(s) on purpose`);
      await reissuePasswords(place, again, job, notes);
    } else {
      resendUncertain(db, job, notes);
    }
    notes.info(`sending by ${transport.description}`);
    const result = await deliver(db, { jobId: job, transport, includeNotDue: true });
    noteRecovery(notes, result.recovered);
    // Of the uncertain letters, those no plain `mail retry` ever sends again.
    const uncertainPasswords = result.uncertain ? passwordLettersIn(db, ['uncertain'], job).length : 0;
    return { result, via: transport.description, uncertainPasswords };
  } finally {
    await transport.close();
  }
}

async function reissuePasswords(place: RetryPlace, statuses: LetterStatus[], jobId: string | undefined, notes: Notes): Promise<void> {
  // Loaded only when asked: the template engine is heavy.
  const { reissuePasswordLetters } = await import('../letters/reissue.js');
  const r = await reissuePasswordLetters(place.db, { statuses, jobId, operator: place.operator, codes: place.codes });
  if (r.reissued) {
    notes.info(`${r.reissued} password letter(s) ${statuses.join(' or ')}: each user gets a new temporary password (the one before no longer works) in a new letter`);
  }
  for (const s of r.skipped) notes.warn(`password letter of ${s.primary_id} not sent again: ${s.reason}`);
}

export const discardOptions = z.object({
  job: z.string().trim().min(1).optional(),
  status: z.enum(UNSENT_STATUSES).optional(),
});
export type DiscardOptions = z.output<typeof discardOptions>;

/** `mail discard`: gives up unsent letters (pending, failed and uncertain unless one is named); returns how many. */
export function discardMail(db: Db, o: DiscardOptions): number {
  const statuses: readonly LetterStatus[] = o.status ? [o.status] : UNSENT_STATUSES;
  return discardLetters(db, statuses, jobScope(db, o.job));
}
