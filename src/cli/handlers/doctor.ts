import { diagnose } from '../../app/doctor.js';
import type { Handler } from '../command.js';
import { EXIT } from '../exit-codes.js';

export const doctor: Handler = (ctx) => {
  const d = diagnose(ctx.store(), ctx.storePath);
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
};
