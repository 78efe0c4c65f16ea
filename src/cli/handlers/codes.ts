import { z } from 'zod';
import { requireAdministrator } from '../../core/authz.js';
import { CODE_TABLES, isCodeTable, type CodeTable } from '../../core/codes.js';
import { ConflictError, NotFoundError, UsageError } from '../../core/errors.js';
import { addCode, countCodeUsage, listCodes, removeCode } from '../../store/codes.js';
import { parseOptions, type Handler } from '../command.js';

function tableArg(name: string | undefined): CodeTable {
  if (name !== undefined && isCodeTable(name)) return name;
  throw new UsageError(`unknown code table ${name ?? ''}`.trim(), `tables: ${CODE_TABLES.join(', ')}`);
}

const addOptions = z.object({
  almaCode: z.string().trim().min(1).optional(),
  needsParameters: z.boolean().optional(),
  restricted: z.boolean().optional(),
});

export const list: Handler = (ctx, [table]) => {
  const rows = listCodes(ctx.store(), table === undefined ? undefined : tableArg(table)).map((c) => ({
    table: c.table, code: c.code, description: c.description ?? null, ...c.attrs,
  }));
  return {
    output: {
      kind: 'list',
      columns: [
        { key: 'table', header: 'Table' }, { key: 'code', header: 'Code' },
        { key: 'description', header: 'Description' }, { key: 'alma_code', header: 'Alma code' },
        { key: 'needs_parameters', header: 'Needs parameters' }, { key: 'restricted', header: 'Restricted' },
      ],
      rows,
    },
  };
};

export const add: Handler = (ctx, [table, code, description], opts) => {
  const t = tableArg(table);
  const o = parseOptions(addOptions, opts);
  requireAdministrator(ctx.operator(), 'changing code tables');
  const value = (code ?? '').trim();
  if (!value) throw new UsageError('a code may not be empty');
  const attrs = {
    ...(o.almaCode ? { alma_code: o.almaCode } : {}),
    ...(o.needsParameters ? { needs_parameters: true } : {}),
    ...(o.restricted ? { restricted: true } : {}),
  };
  const added = addCode(ctx.store(), t, value, description, attrs);
  ctx.info(added ? `added ${t} ${value}` : `${t} ${value} already exists; nothing changed`);
  return {
    output: {
      kind: 'report',
      json: { table: t, code: value, added },
      sections: [{ kind: 'fields', fields: [['table', t], ['code', value], ['added', added]] }],
    },
  };
};

export const remove: Handler = (ctx, [table, code]) => {
  const t = tableArg(table);
  requireAdministrator(ctx.operator(), 'changing code tables');
  const db = ctx.store();
  const value = code ?? '';
  const used = countCodeUsage(db, t, value);
  if (used > 0) {
    throw new ConflictError(`${t} ${value} is held by ${used} user(s); it was not removed`, 'change those users first');
  }
  if (!removeCode(db, t, value)) throw new NotFoundError(`${t} has no code ${value}`);
  ctx.info(`removed ${t} ${value}`);
  return {
    output: {
      kind: 'report',
      json: { table: t, code: value, removed: true },
      sections: [{ kind: 'fields', fields: [['table', t], ['code', value], ['removed', true]] }],
    },
  };
};
