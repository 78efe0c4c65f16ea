import { parseOptions, type CommandDef } from '../../command.js';

/** alma-users codes add <table> <code> [description] */
export const add: CommandDef = {
  define: (codes) =>
    codes
      .command('add <table> <code> [description]')
      .description('add a code to a table (User Administrator)')
      .option('--alma-code <n>', "role: Alma's role_type number, used when importing Alma files")
      .option('--needs-parameters', 'role: refuse to add it in bulk without parameters, as Alma does')
      .option('--restricted', 'role: only a User Administrator may grant or remove it')
      .addHelpText('after', '\nExample:\n  alma-users --operator jsmith codes add user_group VISITOR "Visiting scholar"'),

  async run(ctx, [table, code, description], opts) {
    const app = await import('../../../app/codes.js');
    const t = app.codeTable(table);
    const value = (code ?? '').trim();
    const added = app.addCodeAs(ctx.store(), ctx.operator(), t, value, description, parseOptions(app.addCodeOptions, opts));
    ctx.info(added ? `added ${t} ${value}` : `${t} ${value} already exists; nothing changed`);
    return {
      output: {
        kind: 'report',
        json: { table: t, code: value, added },
        sections: [{ kind: 'fields', fields: [['table', t], ['code', value], ['added', added]] }],
      },
    };
  },
};
