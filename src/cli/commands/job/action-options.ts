import type { Command } from 'commander';
import { actionOptions } from '../../../domain/jobs/action-table.js';
import { collect } from '../../command.js';

/**
 * The update/notify actions' options, in the order they apply, from the one table that
 * declares them: `job run` and `users edit` offer the same ones.
 */
export function withActionOptions(c: Command): Command {
  for (const o of actionOptions()) {
    if (o.repeatable) c.option(o.flags, o.help, collect);
    else c.option(o.flags, o.help);
  }
  return c;
}
