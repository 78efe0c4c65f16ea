import type { CommandDef } from '../../command.js';
import { EXIT } from '../../exit-codes.js';
import { callProgress } from './call-progress.js';

/** Rows a table shows people; --format json carries them all. */
const SHOWN = 100;

/** alma-users alma pull (--query Q | --set NAME | --from-file IDS | --all) [--dry-run] */
export const pull: CommandDef = {
  define: (alma) =>
    alma
      .command('pull')
      .description("fetch users from Alma into the store as Alma has them, each kept as the baseline of a later push (User Administrator)")
      .option('--query <q>', "Alma's user search, e.g. \"last_name~Smith AND user_group~STAFF\"")
      .option('--set <name>', 'the members of a local set, by primary ID')
      .option('--from-file <ids>', 'primary IDs in a file (text, CSV or .xlsx)')
      .option('--all', 'every user of the institution (an API call a user: mind the daily quota)')
      .option('--dry-run', 'fetch and compare, write nothing')
      .addHelpText('after', `
Each user costs one API call (GET /users/{id}); listing by --query or --all one more per 100.
Codes Alma uses that the store lacks are added, as users import --add-missing-codes does.

Exit: 0 all pulled, 3 some users failed or the pull stopped early (the quota), 2 bad options.

Example:
  alma-users --operator admin alma pull --query "user_group~STAFF"`),

  async run(ctx, _args, opts) {
    const { pullUsers } = await import('../../../app/alma/pull.js');
    const { update, progress } = await callProgress(ctx, 'alma pull');
    let r;
    try {
      r = await pullUsers(ctx.store(), ctx.operator(), { env: ctx.io.env }, {
        query: opts.query as string | undefined, set: opts.set as string | undefined, fromFile: opts.fromFile as string | undefined,
        all: opts.all as boolean | undefined, dryRun: opts.dryRun as boolean | undefined,
      }, ctx.io.cwd, update);
    } finally {
      progress.stop();
    }
    if (r.stopped) ctx.warn(`the pull stopped early: ${r.stopped}; run it again to fetch the rest`);
    for (const c of r.codes_added) ctx.info(`code added: ${c.table} ${c.code}${c.description ? ` (${c.description})` : ''}`);
    const counts = `${r.listed} listed, ${r.fetched} fetched, ${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged, ${r.failed} failed; ${r.calls} API calls`;
    ctx.info(r.dry_run ? `dry run, nothing was written: ${counts}` : counts);
    return {
      exit: r.failed > 0 || r.stopped ? EXIT.partial : EXIT.ok,
      output: {
        kind: 'report',
        json: r,
        sections: [
          {
            kind: 'fields',
            fields: [
              ['Listed', r.listed], ['Fetched', r.fetched], ['Created', r.created], ['Updated', r.updated], ['Unchanged', r.unchanged],
              ['Failed', r.failed], ['API calls', r.calls], ['Calls left today', r.remaining ?? 'not said'], ['Stopped', r.stopped ?? undefined],
            ],
          },
          {
            title: 'Failed', kind: 'table',
            columns: [{ key: 'primary_id', header: 'Primary ID' }, { key: 'reason', header: 'Reason', free: true }],
            rows: r.failures.slice(0, SHOWN).map((f) => ({ primary_id: f.primary_id, reason: f.reason })),
          },
        ],
      },
    };
  },
};
