import type { CommandDef } from '../../command.js';

/** alma-users set show <name> */
export const show: CommandDef = {
  define: (set) =>
    set
      .command('show <name>')
      .description('a set: type, owner, visibility, description, query, member count, dates')
      .addHelpText('after', '\nExample:\n  alma-users set show catalogers'),

  async run(ctx, [name]) {
    const [app, { setFields, setJson }] = await Promise.all([import('../../../app/sets.js'), import('./set-output.js')]);
    const db = ctx.store();
    const set = app.getSet(db, name ?? '', ctx.operator());
    const members = app.countMembers(db, set);
    const job = app.jobHoldingSet(db, set.id);
    const json = { ...setJson(set, members), held_by_job: job ? { id: job.id, type: job.type, status: job.status } : null };
    const fields = setFields(set, set.kind === 'LOGICAL' ? `${members} (evaluated now)` : members);
    if (job) fields.push(['In use by job', `${job.id} (${job.type}, ${job.status})`]);
    return { output: { kind: 'report', json, sections: [{ kind: 'fields', fields }] } };
  },
};
