import type { ListFilter } from '../../../app/users-list.js';
import type { CommandResult } from '../../command.js';
import type { Context } from '../../context.js';

/**
 * `users list ... --save-set NAME`: what the listing matched (every filter, --query and
 * --limit) saved as a new itemized set, reported as `set create` reports a set, instead
 * of the listing. `matched` says what was asked for ("no users match --status INACTIVE").
 */
export async function saveListAsSet(ctx: Context, name: string, filter: ListFilter, matched: string): Promise<CommandResult> {
  const [lists, sets, { setReport }] = await Promise.all([
    import('../../../app/users-list.js'), import('../../../app/sets.js'), import('../set/set-output.js'),
  ]);
  const setName = sets.checkSetName(name);
  const db = ctx.store();
  const { set, members } = sets.saveMatchesAsSet(db, ctx.operator(), lists.userFilter(db, filter), { name: setName });
  if (members === 0) ctx.warn(`${matched}: set ${set.name} was created empty`);
  else ctx.info(`saved ${members} user(s) as itemized set ${set.name}; use it with: alma-users job run update-notify --set "${set.name}" ...`);
  return setReport(set, members);
}
