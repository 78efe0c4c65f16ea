/** The published exit codes (README, "Exit codes"). */
export const EXIT = {
  /** Done; a job Completed Successfully or with No Bulks. */
  ok: 0,
  /** Failed: the store is unusable, a job Failed or was Aborted, a conflict. */
  failure: 1,
  /** Usage or invalid input: nothing was changed. */
  usage: 2,
  /** Completed with warnings or errors: some records were not processed. */
  partial: 3,
  /** Not permitted: the operator lacks the role. */
  notPermitted: 4,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
