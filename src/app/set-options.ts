import { z } from 'zod';
import { COMBINE_OPS } from '../store/sets.js';

/** The options of the commands that make a set from others (`set combine`, `set itemize`), as the command line gives them. */
export const newSetOptions = z.object({
  as: z.string().trim().min(1),
  description: z.string().optional(),
  public: z.boolean().optional(),
});

export const combineOptions = newSetOptions.extend({
  op: z.preprocess((v) => (typeof v === 'string' ? v.toLowerCase() : v), z.enum(COMBINE_OPS)),
});
