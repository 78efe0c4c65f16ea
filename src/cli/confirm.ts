import { createInterface } from 'node:readline/promises';
import { ConflictError } from '../domain/errors.js';
import type { Context } from './context.js';

/**
 * On a terminal, shows what is about to happen and asks; --yes, or no terminal (a cron
 * job, a pipe), goes ahead. A refusal changes nothing and exits 1.
 */
export async function confirm(ctx: Context, yes: boolean | undefined, summary: string[], question: string): Promise<void> {
  if (yes || !ctx.io.stdin.isTTY || !ctx.io.stderr.isTTY) return;
  ctx.io.stderr.write(summary.join('\n') + '\n');
  const rl = createInterface({ input: ctx.io.stdin, output: ctx.io.stderr as NodeJS.WritableStream });
  try {
    const answer = (await rl.question(`${question} [y/N] `)).trim().toLowerCase();
    if (answer !== 'y' && answer !== 'yes') throw new ConflictError('not confirmed; nothing was changed', 'add --yes to run without asking');
  } finally {
    rl.close();
  }
}
