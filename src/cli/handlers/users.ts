import { z } from 'zod';
import { mapIterable } from '../../core/iterables.js';
import { listUsers } from '../../core/users-list.js';
import { parseOptions, type Handler } from '../command.js';
import { USER_LIST_COLUMNS, userListRow } from '../user-rows.js';

const upper = (v: unknown) => (typeof v === 'string' ? v.toUpperCase() : v);

const listOptions = z.object({
  userGroup: z.string().optional(),
  jobCategory: z.string().optional(),
  status: z.preprocess(upper, z.enum(['ACTIVE', 'INACTIVE']).optional()),
  recordType: z.preprocess(upper, z.enum(['PUBLIC', 'STAFF', 'CONTACT']).optional()),
  accountType: z.preprocess(upper, z.enum(['INTERNAL', 'EXTERNAL']).optional()),
  limit: z.coerce.number().int().positive().optional(),
});

export const list: Handler = (ctx, _args, opts) => {
  const o = parseOptions(listOptions, opts);
  return { output: { kind: 'list', columns: USER_LIST_COLUMNS, rows: mapIterable(listUsers(ctx.store(), o), userListRow) } };
};
