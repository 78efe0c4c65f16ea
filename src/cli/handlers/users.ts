import { z } from 'zod';
import { mapIterable } from '../../domain/iterables.js';
import { compileQuery } from '../../domain/query.js';
import { UsageError } from '../../domain/errors.js';
import { listUsers } from '../../app/users-list.js';
import { SEARCH_INDEXES, searchUsers } from '../../app/users-search.js';
import { ACCOUNT_TYPES, RECORD_TYPES, STATUSES } from '../../domain/user-fields.js';
import { parseOptions, upper, type Handler } from '../command.js';
import { USER_LIST_COLUMNS, userListRow } from '../user-rows.js';

const listOptions = z.object({
  userGroup: z.string().optional(),
  jobCategory: z.string().optional(),
  status: z.preprocess(upper, z.enum(STATUSES).optional()),
  recordType: z.preprocess(upper, z.enum(RECORD_TYPES).optional()),
  accountType: z.preprocess(upper, z.enum(ACCOUNT_TYPES).optional()),
  limit: z.coerce.number().int().positive().optional(),
  query: z.string().optional(),
});

export const list: Handler = (ctx, _args, opts) => {
  const o = parseOptions(listOptions, opts);
  const where = o.query === undefined ? undefined : compileQuery(o.query);
  return { output: { kind: 'list', columns: USER_LIST_COLUMNS, rows: mapIterable(listUsers(ctx.store(), { ...o, where }), userListRow) } };
};

const searchOptions = z.object({
  index: z.enum(SEARCH_INDEXES),
  limit: z.coerce.number().int().positive().optional(),
});

export const search: Handler = (ctx, [text], opts) => {
  const o = parseOptions(searchOptions, opts);
  if (!text?.trim()) throw new UsageError('give the text to search for', 'alma-users users search TEXT');
  return {
    output: { kind: 'list', columns: USER_LIST_COLUMNS, rows: mapIterable(searchUsers(ctx.store(), text, o.index, o.limit), userListRow) },
  };
};
