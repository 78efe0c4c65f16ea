import { UsageError } from '../../../domain/errors.js';
import type { CommandDef } from '../../command.js';
import type { Column } from '../../output.js';

const FILTERS = ['mine', 'public', 'all'] as const;

/** alma-users set list [--mine | --public | --all] */
export const list: CommandDef = {
  define: (set) =>
    set
      .command('list')
      .description('list sets: by default yours and the public ones')
      .option('--mine', 'only the sets you own')
      .option('--public', 'only public sets')
      .option('--all', 'every set you may see (a User Administrator sees private sets too)')
      .addHelpText('after', '\nExample:\n  alma-users set list --mine --format json'),

  async run(ctx, _args, opts) {
    const chosen = FILTERS.filter((k) => opts[k] === true);
    if (chosen.length > 1) throw new UsageError(`--${chosen.join(' and --')} exclude each other; give one`);
    const [app, { setJson }] = await Promise.all([import('../../../app/sets.js'), import('./set-output.js')]);
    const rows = app.listSets(ctx.store(), ctx.operator(), chosen[0] ?? 'usable').map((s) => ({
      ...setJson(s, s.members), visibility: s.public ? 'public' : 'private',
    }));
    const columns: Column[] = [
      { key: 'name', header: 'Name' }, { key: 'kind', header: 'Type' }, { key: 'owner', header: 'Owner' },
      { key: 'visibility', header: 'Visibility' }, { key: 'members', header: 'Members' },
      { key: 'description', header: 'Description', free: true }, { key: 'updated_at', header: 'Updated' },
    ];
    return { output: { kind: 'list', columns, rows, empty: `no sets${chosen[0] ? ` match --${chosen[0]}` : ' yet'} (create one: alma-users set create NAME --query QUERY)` } };
  },
};
