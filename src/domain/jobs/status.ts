/**
 * A job's life, in Alma's words. `status` is Pending or Running while the job holds its
 * set, then one of Alma's final statuses; `stage` says where the job is, or where it stopped.
 */

export const FINAL_STATUSES = [
  'Completed Successfully',
  'Completed with Warnings',
  'Completed with Errors',
  'Completed with No Bulks',
  'Failed',
  'Aborted by User',
  'Aborted by System',
] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];

/** A job in one of these holds its set: no second job on it, no `set delete`. */
export const HOLDING_STATUSES = ['Pending', 'Running'] as const;
export type HoldingStatus = (typeof HOLDING_STATUSES)[number];

export type JobStatus = HoldingStatus | FinalStatus;

export const STAGES = ['Pending', 'Initialization', 'Processing', 'Finalization'] as const;
export type Stage = (typeof STAGES)[number];

export const JOB_TYPES = ['update-notify', 'undo', 'purge', 'user-add', 'user-edit', 'user-reset-password', 'user-delete', 'sync'] as const;
export type JobType = (typeof JOB_TYPES)[number];

export function isHolding(status: string): status is HoldingStatus {
  return (HOLDING_STATUSES as readonly string[]).includes(status);
}

/** Statuses `job resume` can continue from: the job stopped before it was done. */
export const RESUMABLE_STATUSES = ['Aborted by System', 'Aborted by User', 'Failed'] as const;

export function isResumable(status: string): boolean {
  return (RESUMABLE_STATUSES as readonly string[]).includes(status);
}
