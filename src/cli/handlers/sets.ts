import path from 'node:path';
import { z } from 'zod';
import type { Operator } from '../../domain/authz.js';
import { UsageError } from '../../domain/errors.js';
import { mapIterable } from '../../domain/iterables.js';
import {
  checkSetName, combineSets, countMembers, createItemizedSet, createLogicalSet, deleteSet, getSet, itemizeSet,
  jobHoldingSet, listSets, newSetRecord, renameSet, requireFreeName, requireOwner, setMembers, type SetFilter, type SetRecord,
} from '../../app/sets.js';
import { LOAD_STATUS, loadMembers, type LoadOperation, type MembersReport } from '../../app/sets-load.js';
import { ID_FILE_FORMATS, openIdFile, spoolStdin } from '../../io/id-file.js';
import { parseOptions, type CommandResult, type Handler } from '../command.js';
import type { Context } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { Column, Row, Section } from '../output.js';
import { USER_LIST_COLUMNS, userListRow } from '../user-rows.js';

const text = z.string().trim().min(1);

const fileOptions = z.object({
  fromFile: text.optional(),
  column: text.optional(),
  sheet: text.optional(),
  inputFormat: z.enum(ID_FILE_FORMATS).optional(),
  failOnInvalid: z.boolean().optional(),
});
type FileOptions = z.output<typeof fileOptions>;

const createOptions = fileOptions.extend({
  query: z.string().optional(),
  description: z.string().optional(),
  public: z.boolean().optional(),
});

const newSetOptions = z.object({
  as: text,
  description: z.string().optional(),
  public: z.boolean().optional(),
});

/** Not-found and invalid lines shown in a table; JSON always has them all. */
const SHOWN = 20;

/** Reads the file through the report; stdin is spooled to a private temporary file first. */
async function withIdFile<T>(ctx: Context, o: FileOptions, run: (file: ReturnType<typeof openIdFile>) => Promise<T>): Promise<T> {
  const identifierTypes = ctx.codes().codes('identifier_type').map((c) => c.code);
  const opts = { format: o.inputFormat, column: o.column, sheet: o.sheet, identifierTypes };
  if (o.fromFile === '-') {
    const spooled = await spoolStdin(ctx.io.stdin);
    try {
      return await run(openIdFile(spooled.file, 'stdin', opts));
    } finally {
      spooled.cleanup();
    }
  }
  return run(openIdFile(path.resolve(ctx.io.cwd, o.fromFile!), o.fromFile!, opts));
}

async function load(ctx: Context, set: SetRecord, create: boolean, operation: LoadOperation, o: FileOptions, op: Operator): Promise<CommandResult> {
  const report = await withIdFile(ctx, o, (file) =>
    loadMembers(ctx.store(), file, { set, create, operation, failOnInvalid: o.failOnInvalid === true, actor: op.user.primary_id, now: new Date() }),
  );
  const unused = report.not_found.length + report.invalid.length;
  if (report.status === LOAD_STATUS.failed) {
    ctx.warn(`--fail-on-invalid: ${unused} line(s) of ${report.file} matched no user or were not valid IDs; nothing was loaded${create ? ' and the set was not created' : ' and the set is as it was'}`);
  } else {
    const done = operation === 'add' ? `${report.added} added` : `${report.removed} removed`;
    ctx.info(`set ${report.set}: ${done}, ${report.members} member(s); ${report.status}`);
  }
  for (const w of report.warnings.slice(0, SHOWN)) ctx.warn(w.message);
  if (report.warnings.length > SHOWN) ctx.warn(`… and ${report.warnings.length - SHOWN} more warnings (--format json lists all)`);
  const exit = report.status === LOAD_STATUS.ok ? EXIT.ok : report.status === LOAD_STATUS.failed ? EXIT.usage : EXIT.partial;
  return { output: { kind: 'report', json: report, sections: reportSections(report) }, exit };
}

function reportSections(r: MembersReport): Section[] {
  const header = r.header.found
    ? `${r.header.text}${r.header.column && r.header.column !== r.header.text ? ` (column ${r.header.column})` : ''}`
    : 'none found: the first line was read as an ID';
  const fields: [string, unknown][] = [
    ['Set', r.set],
    ['Status', r.status],
    ['File', `${r.file} (${r.format}${r.sheet ? `, sheet ${r.sheet}` : ''})`],
    ['Header', header],
    ['Matched on', r.matched_on],
    ['Lines read', r.lines],
  ];
  if (r.blank_lines) fields.push(['Blank lines skipped', r.blank_lines]);
  if (r.operation === 'add') fields.push(['Added', r.added], ['Already in the set', r.already_member]);
  else fields.push(['Removed', r.removed], ['Not in the set', r.not_member]);
  fields.push(['Duplicates in the file', r.duplicates], ['Not found', r.not_found.length], ['Invalid', r.invalid.length]);
  if (r.warnings.length) fields.push(['Warnings', `${r.warnings.length} (on stderr)`]);
  fields.push(['Members now', r.members]);
  const sections: Section[] = [{ kind: 'fields', title: r.operation === 'add' ? 'Add Members to Set' : 'Remove Members from Set', fields }];
  const shown = (n: number, what: string) => (n > SHOWN ? `${what} (first ${SHOWN} of ${n}; --format json lists all)` : what);
  const lineCol: Column = { key: 'line', header: 'Line' };
  const cellCol: Column[] = r.format === 'xlsx' ? [{ key: 'cell', header: 'Cell' }] : [];
  if (r.not_found.length) {
    sections.push({
      kind: 'table', title: shown(r.not_found.length, 'Not found'),
      columns: [lineCol, ...cellCol, { key: 'id', header: 'ID as written' }, { key: 'hint', header: 'Note' }],
      rows: r.not_found.slice(0, SHOWN) as unknown as Row[],
    });
  }
  if (r.invalid.length) {
    sections.push({
      kind: 'table', title: shown(r.invalid.length, 'Invalid'),
      columns: [lineCol, ...cellCol, { key: 'id', header: 'ID as written' }, { key: 'reason', header: 'Reason' }],
      rows: r.invalid.slice(0, SHOWN) as unknown as Row[],
    });
  }
  return sections;
}

export const create: Handler = async (ctx, [name], opts) => {
  const o = parseOptions(createOptions, opts);
  const op = ctx.operator();
  const db = ctx.store();
  const fileOnly = o.column ?? o.sheet ?? o.inputFormat ?? (o.failOnInvalid ? '--fail-on-invalid' : undefined);
  if (o.fromFile && o.query !== undefined) throw new UsageError('give --from-file (an itemized set) or --query (a logical set), not both');
  if (!o.fromFile && fileOnly !== undefined) throw new UsageError('--column, --sheet, --input-format and --fail-on-invalid go with --from-file');
  const details = { name: checkSetName(name), description: o.description, public: o.public };
  if (o.fromFile) {
    const set = newSetRecord(op, details, 'ITEMIZED', undefined, new Date());
    requireFreeName(db, set.name);
    return load(ctx, set, true, 'add', o, op);
  }
  if (o.query !== undefined) {
    const { set, warnings } = createLogicalSet(db, op, { ...details, query: o.query });
    for (const w of warnings) ctx.warn(w);
    const members = countMembers(db, set);
    ctx.info(`created logical set ${set.name}: ${members} user(s) match now; it is evaluated again each time it is used`);
    return setReport(set, members);
  }
  const set = createItemizedSet(db, op, details);
  ctx.info(`created empty itemized set ${set.name}; fill it with: alma-users set add-members "${set.name}" --from-file FILE`);
  return setReport(set, 0);
};

function changeMembers(operation: LoadOperation): Handler {
  return async (ctx, [name], opts) => {
    const o = parseOptions(fileOptions.extend({ fromFile: text }), opts);
    const op = ctx.operator();
    const set = getSet(ctx.store(), name ?? '', op);
    requireOwner(set, op, 'change its members');
    if (set.kind === 'LOGICAL') {
      throw new UsageError(`set ${set.name} is a logical set: its members are the users its query matches`,
        `save its members as an itemized set first: alma-users set itemize "${set.name}" --as "NEW NAME"`);
    }
    return load(ctx, set, false, operation, o, op);
  };
}

export const addMembers = changeMembers('add');
export const removeMembers = changeMembers('remove');

function setJson(s: SetRecord, members: number | undefined): Row {
  return {
    id: s.id, name: s.name, kind: s.kind.toLowerCase(), owner: s.owner, public: s.public,
    description: s.description ?? null, query: s.query ?? null, members: members ?? null,
    created_at: s.created_at, updated_at: s.updated_at, updated_by: s.updated_by,
  };
}

/** `members` as shown: a count, or for `set show` of a logical set the count with "(evaluated now)". */
function setFields(s: SetRecord, members: number | string | undefined): [string, unknown][] {
  return [
    ['Name', s.name], ['Id', s.id], ['Type', s.kind === 'LOGICAL' ? 'logical' : 'itemized'], ['Owner', s.owner],
    ['Visibility', s.public ? 'public' : 'private'], ['Description', s.description], ['Query', s.query],
    ['Members', members], ['Created', s.created_at], ['Updated', `${s.updated_at} by ${s.updated_by}`],
  ];
}

function setReport(s: SetRecord, members: number): CommandResult {
  return { output: { kind: 'report', json: setJson(s, members), sections: [{ kind: 'fields', fields: setFields(s, members) }] } };
}

const listOptions = z.object({ mine: z.boolean().optional(), public: z.boolean().optional(), all: z.boolean().optional() });

export const list: Handler = (ctx, _args, opts) => {
  const o = parseOptions(listOptions, opts);
  const chosen = (['mine', 'public', 'all'] as const).filter((k) => o[k]);
  if (chosen.length > 1) throw new UsageError(`--${chosen.join(' and --')} exclude each other; give one`);
  const filter: SetFilter = chosen[0] ?? 'usable';
  const rows = listSets(ctx.store(), ctx.operator(), filter).map((s) => ({
    ...setJson(s, s.members), visibility: s.public ? 'public' : 'private',
  }));
  const columns: Column[] = [
    { key: 'name', header: 'Name' }, { key: 'kind', header: 'Type' }, { key: 'owner', header: 'Owner' },
    { key: 'visibility', header: 'Visibility' }, { key: 'members', header: 'Members' },
    { key: 'description', header: 'Description' }, { key: 'updated_at', header: 'Updated' },
  ];
  return { output: { kind: 'list', columns, rows } };
};

export const show: Handler = (ctx, [name]) => {
  const db = ctx.store();
  const set = getSet(db, name ?? '', ctx.operator());
  const members = countMembers(db, set);
  const job = jobHoldingSet(db, set.id);
  const json = { ...setJson(set, members), held_by_job: job ? { id: job.id, type: job.type, status: job.status } : null };
  const fields = setFields(set, set.kind === 'LOGICAL' ? `${members} (evaluated now)` : members);
  if (job) fields.push(['In use by job', `${job.id} (${job.type}, ${job.status})`]);
  return { output: { kind: 'report', json, sections: [{ kind: 'fields', fields }] } };
};

const membersOptions = z.object({ limit: z.coerce.number().int().positive().optional() });

export const members: Handler = (ctx, [name], opts) => {
  const o = parseOptions(membersOptions, opts);
  const db = ctx.store();
  const set = getSet(db, name ?? '', ctx.operator());
  return { output: { kind: 'list', columns: USER_LIST_COLUMNS, rows: mapIterable(setMembers(db, set, o.limit), userListRow) } };
};

export const rename: Handler = (ctx, [name, newName]) => {
  const set = renameSet(ctx.store(), ctx.operator(), name ?? '', newName ?? '');
  ctx.info(`renamed set ${name} to ${set.name}`);
  return setReport(set, countMembers(ctx.store(), set));
};

export const remove: Handler = (ctx, [name]) => {
  const set = deleteSet(ctx.store(), ctx.operator(), name ?? '');
  ctx.info(`deleted set ${set.name}`);
  return { output: { kind: 'report', json: { id: set.id, name: set.name, deleted: true }, sections: [{ kind: 'fields', fields: [['Name', set.name], ['Id', set.id], ['Deleted', true]] }] } };
};

const combineOptions = newSetOptions.extend({ op: z.preprocess((v) => (typeof v === 'string' ? v.toLowerCase() : v), z.enum(['and', 'or', 'not'])) });

export const combine: Handler = (ctx, [a, b], opts) => {
  const o = parseOptions(combineOptions, opts);
  const { set, members } = combineSets(ctx.store(), ctx.operator(), a ?? '', b ?? '', o.op, { name: o.as, description: o.description, public: o.public });
  ctx.info(`created itemized set ${set.name} (${a} ${o.op.toUpperCase()} ${b}): ${members} member(s)`);
  return setReport(set, members);
};

export const itemize: Handler = (ctx, [name], opts) => {
  const o = parseOptions(newSetOptions, opts);
  const { set, source, members } = itemizeSet(ctx.store(), ctx.operator(), name ?? '', { name: o.as, description: o.description, public: o.public });
  ctx.info(`saved the ${members} current member(s) of ${source.name} as itemized set ${set.name}`);
  return setReport(set, members);
};
