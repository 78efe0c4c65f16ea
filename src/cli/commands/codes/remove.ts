import type { CommandDef } from '../../command.js';

/** alma-users codes remove <table> <code> */
export const remove: CommandDef = {
  define: (codes) =>
    codes
      .command('remove <table> <code>')
      .description('remove a code that no user holds (User Administrator)')
      .addHelpText('after', '\nExample:\n  alma-users --operator jsmith codes remove user_group VISITOR'),

  async run(ctx, [table, code]) {
    const app = await import('../../../app/codes.js');
    const t = app.codeTable(table);
    const value = code ?? '';
    app.removeCodeAs(ctx.store(), ctx.operator(), t, value);
    ctx.info(`removed ${t} ${value}`);
    return {
      output: {
        kind: 'report',
        json: { table: t, code: value, removed: true },
        sections: [{ kind: 'fields', fields: [['table', t], ['code', value], ['removed', true]] }],
      },
    };
  },
};
