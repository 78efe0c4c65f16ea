import { parseOptions, topLevel, type CommandDef } from '../command.js';

/** alma-users init --admin <id> */
export const init: CommandDef = {
  define: (program) =>
    program
      .command('init')
      .description('create the store and its first operator: an internal STAFF user holding User Administrator')
      .requiredOption('--admin <id>', 'primary ID of the first operator')
      .option('--first-name <name>', "the operator's first name")
      .option('--last-name <name>', "the operator's last name")
      .option('--email <address>', "the operator's e-mail address")
      .addHelpText('after', '\nExample:\n  alma-users --db ./library.db init --admin jsmith --email jsmith@example.edu'),

  async run(ctx, _args, opts) {
    const app = await import('../../app/init.js');
    const o = parseOptions(app.initOptions, opts);
    const r = app.initStore(ctx.store({ create: true }), { primary_id: o.admin, first_name: o.firstName, last_name: o.lastName, email: o.email });
    ctx.info(
      r.created
        ? `created store ${ctx.storePath} with operator ${o.admin} (User Administrator)`
        : `store ${ctx.storePath} already initialised (operator ${r.admin}); nothing changed`,
    );
    return {
      output: {
        kind: 'report',
        json: { store: ctx.storePath, created: r.created, admin: r.admin },
        sections: [{ kind: 'fields', fields: [['store', ctx.storePath], ['created', r.created], ['admin', r.admin]] }],
      },
    };
  },
};

export const initCommand = topLevel(init);
