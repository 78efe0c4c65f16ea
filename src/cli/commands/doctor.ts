import { topLevel, type CommandDef } from '../command.js';
import { EXIT } from '../exit-codes.js';

/** alma-users doctor */
export const doctor: CommandDef = {
  define: (program) =>
    program
      .command('doctor')
      .description('check the store in use: location, schema version, integrity, code tables, configuration')
      .addHelpText('after', '\nExample:\n  alma-users doctor --format json'),

  async run(ctx) {
    const app = await import('../../app/doctor.js');
    const d = app.diagnose(ctx.store(), ctx.storePath);
    return {
      exit: d.ok ? EXIT.ok : EXIT.failure,
      output: {
        kind: 'report',
        json: d,
        sections: [
          { kind: 'fields', fields: [['store', d.store], ['schema', `${d.schema_version} (this version writes ${d.schema_expected})`], ['users', d.users]] },
          {
            title: 'Checks', kind: 'table',
            columns: [{ key: 'name', header: 'Check' }, { key: 'result', header: 'Result' }, { key: 'detail', header: 'Detail' }],
            rows: d.checks.map((c) => ({ ...c, result: c.ok ? 'ok' : 'PROBLEM' })),
          },
          {
            title: 'Code tables', kind: 'table',
            columns: [{ key: 'table', header: 'Table' }, { key: 'codes', header: 'Codes' }],
            rows: Object.entries(d.code_tables).map(([table, codes]) => ({ table, codes })),
          },
          { title: 'Configuration', kind: 'fields', fields: Object.entries(d.config) },
        ],
      },
    };
  },
};

export const doctorCommand = topLevel(doctor);
