import { z } from 'zod';

/**
 * The options of `job run`, `job resume` and `job undo` other than the actions (those are
 * checked by the preflight, domain/jobs/params.ts), as the command line gives them.
 */

const BULK_SIZE = { error: 'expected a whole number of users from 1 to 100000' };
const bulkSize = z.coerce.number(BULK_SIZE).int(BULK_SIZE).min(1, BULK_SIZE).max(100_000, BULK_SIZE).optional();
const text = z.string().trim().min(1).optional();

export const runOptions = z.object({
  set: z.string().trim().min(1),
  reason: text,
  name: text,
  dryRun: z.boolean().optional(),
  previewFile: text,
  yes: z.boolean().optional(),
  bulkSize,
});

export const resumeOptions = z.object({ bulkSize });

export const undoOptions = z.object({
  dryRun: z.boolean().optional(),
  previewFile: text,
  force: z.boolean().optional(),
  reason: text,
  yes: z.boolean().optional(),
});

export const purgeOptions = z.object({
  set: text,
  due: z.boolean().optional(),
  reason: text,
  name: text,
  dryRun: z.boolean().optional(),
  yes: z.boolean().optional(),
  bulkSize,
});
