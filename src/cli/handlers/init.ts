import { z } from 'zod';
import { initStore } from '../../app/init.js';
import { parseOptions, type Handler } from '../command.js';

const initOptions = z.object({
  admin: z.string().trim().min(1),
  firstName: z.string().trim().min(1).optional(),
  lastName: z.string().trim().min(1).optional(),
  email: z.string().trim().min(1).optional(),
});

export const init: Handler = (ctx, _args, opts) => {
  const o = parseOptions(initOptions, opts);
  const db = ctx.store({ create: true });
  const r = initStore(db, { primary_id: o.admin, first_name: o.firstName, last_name: o.lastName, email: o.email });
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
};
