/**
 * The job types `job run TYPE` runs on a set, with what each does: the command's help, its
 * refusal of an unknown type and its dispatch are read from this table (no zod here: it
 * is read when the program is built).
 */
export const JOB_RUN_TYPES = [
  { type: 'update-notify', help: "Alma's Update/Notify Users: change the set's users, send them a letter" },
  { type: 'purge', help: "delete the set's users (or, with --due, those whose purge date has passed); undone with job undo" },
] as const;

export type JobRunType = (typeof JOB_RUN_TYPES)[number]['type'];

export function isJobRunType(type: string | undefined): type is JobRunType {
  return JOB_RUN_TYPES.some((t) => t.type === type);
}

/**
 * What finishes a job that stopped before its end: a sync reads its files again (it is not
 * resumed: run again, it leaves the users it reached unchanged and does the rest); every
 * other job is resumed where it stopped.
 */
export function howToFinish(job: { id: string; type: string }): string {
  return job.type === 'sync' ? 'run the same users sync again (a sync is not resumed)' : `alma-users job resume ${job.id}`;
}

/** "update-notify or purge", for help and refusals. */
export function jobRunTypeList(): string {
  return JOB_RUN_TYPES.map((t) => t.type).join(' or ');
}
