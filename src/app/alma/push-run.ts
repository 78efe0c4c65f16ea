import type { AlmaClient } from '../../alma/client.js';
import { AlmaApiError, QuotaStop, type AlmaSettings } from '../../domain/alma/connection.js';
import type { FieldChange } from '../../domain/jobs/changes.js';
import type { AlmaStore } from '../../store/alma.js';
import type { JobRow } from '../../store/jobs.js';
import type { AlmaRecords } from './records.js';

/** What both ways of pushing work with: the job, the store's push state, the client. */
export interface PushRun {
  job: JobRow;
  store: AlmaStore;
  client: AlmaClient;
  settings: AlmaSettings;
  records: AlmaRecords;
  progress?: PushProgress | undefined;
  now(): string;
}

export type PushProgress = (done: number, total: number, calls: number) => void;

/** Why a push stopped before its end, or null; the rest stays pending for the same command. */
export type Stopped = string | null;

export function jobChanges(run: PushRun, primaryId: string): FieldChange[] {
  const text = run.store.jobChanges(run.job.id, primaryId);
  return text ? (JSON.parse(text) as FieldChange[]) : [];
}

/** The floor of the daily quota: checked before each user, so a push leaves the institution its calls. */
export function quotaLow(run: PushRun): string | undefined {
  const left = run.client.remaining;
  if (left !== undefined && left < run.settings.quota_floor) {
    return `${left} API calls are left today, under the floor of ${run.settings.quota_floor} (alma config --quota-floor)`;
  }
  return undefined;
}

/**
 * An answer about one user (not found, a business rule) fails that user; anything else (the
 * quota, the key refused, Alma unreachable after retries) stops the whole push.
 */
export function userFailure(e: unknown): string | undefined {
  if (e instanceof QuotaStop) return undefined;
  if (e instanceof AlmaApiError) {
    const aboutUser = e.status >= 400 && e.status < 500 && ![401, 403, 429].includes(e.status);
    return aboutUser ? `${e.errorCode}: ${e.errorMessage}${e.trackingId ? ` (tracking id ${e.trackingId})` : ''}` : undefined;
  }
  return e instanceof Error && !(e instanceof TypeError) ? e.message : undefined;
}

export function stopReason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
