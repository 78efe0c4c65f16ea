import { CODE_TABLES } from '../../../domain/codes.js';
import type { CommandDef } from '../../command.js';

/** alma-users codes list [table] */
export const list: CommandDef = {
  define: (codes) =>
    codes
      .command('list [table]')
      .description(`list codes, of one table or all (${CODE_TABLES.join(', ')})`)
      .addHelpText('after', '\nExample:\n  alma-users codes list user_group'),

  async run(ctx, [table]) {
    const app = await import('../../../app/code-tables.js');
    const codes = app.codesOf(ctx.store(), table === undefined ? undefined : app.codeTable(table));
    return {
      output: {
        kind: 'list',
        columns: [
          { key: 'table', header: 'Table' }, { key: 'code', header: 'Code' },
          { key: 'description', header: 'Description' }, { key: 'alma_code', header: 'Alma code' },
          { key: 'needs_parameters', header: 'Needs parameters' }, { key: 'restricted', header: 'Restricted' },
        ],
        rows: codes.map((c) => ({ table: c.table, code: c.code, description: c.description ?? null, ...c.attrs })),
      },
    };
  },
};
