import type { CodeTable } from '../codes.js';
import { STATUSES } from '../user-enums.js';
import {
  addBlock, addNote, addRole, addRsLibrary, addStatistic, convertToExternal, convertToInternal, removeElements, removeRole,
  removeRsLibrary, roleText, setScalar, setStatus, type Action, type RoleRef, type ScalarField,
} from './actions.js';

/**
 * The update/notify actions, each declared once: the option that asks for it (and its
 * help), how its value is checked against the code tables, where it is kept in the job's
 * parameters, the actions it builds and the counter they add to. `job run`'s options, the
 * preflight (params.ts), the planner's counters and the reference documentation are all
 * read from this table; a new action is one entry here plus its pure function in actions.ts.
 *
 * No zod here: `job run` builds its options from this table at start-up.
 */

/** One option of `job run`, as commander takes it. */
export interface ActionOption {
  /** '--add-role <role[@scope]>'; without a <value> it is a switch. */
  flags: string;
  help: string;
  /** Given once per value: --add-role a --add-role b. */
  repeatable?: boolean;
  /** The only values it takes, matched without regard to case (the parameters keep the table's spelling). */
  choices?: readonly string[];
}

/** The command line's values, by option name ('--add-role'). */
export interface Given {
  text(option: string): string | undefined;
  list(option: string): string[];
  on(option: string): boolean | undefined;
}

/** The preflight's checks, with messages that name the option (params.ts). */
export interface Resolver {
  /** A code of the table, or a usage error listing the valid ones. */
  code(table: CodeTable, value: string, option: string): string;
  /** Several codes, each once. */
  codes(table: CodeTable, values: string[], option: string): string[];
  /** ROLE or ROLE@LIBRARY, both codes; `adding` refuses a role that needs parameters. */
  role(spec: string, option: string, adding: boolean): RoleRef;
  /** YYYY-MM-DD, or relative to today (+18m), resolved once at submission. */
  date(text: string, option: string): string;
  nonEmpty(text: string, option: string): string;
  /** Two options that contradict each other. */
  refuse(message: string, hint?: string): never;
}

export interface ActionEntry<P extends object> {
  option: ActionOption;
  /** Options that only describe this action (--note-type of --add-note). */
  modifiers?: readonly ActionOption[];
  /** The counter a user changed by it adds one to; none for the letter, counted by the planner. */
  counter?: string;
  /** Its parameters when it is not given: what a job recorded without it reads. */
  empty: P;
  /** The preflight of its values; the parameters as stored with the job. */
  resolve(given: Given, r: Resolver): P;
  /** Contradictions within its own parameters, after every option is resolved. */
  check?(p: P, r: Resolver): void;
  /** Its actions, in the order they apply. */
  build(p: P): Action[];
}

/** Infers an entry's parameters from its `empty`, as written with their types. */
function entry<P extends object>(e: ActionEntry<P>): ActionEntry<P> {
  return e;
}

/** An option that sets one field of the user to a code, a date or a text. */
function scalar<K extends ScalarField>(
  field: K, flags: string, help: string, counter: string, resolve: (text: string, option: string, r: Resolver) => string,
): ActionEntry<{ [F in K]?: string | undefined }> {
  const option = optionName(flags);
  return entry<{ [F in K]?: string | undefined }>({
    option: { flags, help },
    counter,
    empty: {},
    resolve(given, r) {
      const v = given.text(option);
      return (v === undefined ? {} : { [field]: resolve(v, option, r) }) as { [F in K]?: string };
    },
    build: (p) => {
      const v = p[field];
      return v === undefined ? [] : [setScalar(field, v, option)];
    },
  });
}

const codeOf = (table: CodeTable) => (text: string, option: string, r: Resolver) => r.code(table, text, option);
const dateOf = (text: string, option: string, r: Resolver) => r.date(text, option);
const textOf = (text: string, option: string, r: Resolver) => r.nonEmpty(text, option);
const DATE_HELP = 'YYYY-MM-DD, or relative to today: +18m, +30d, +1y';

/** The same element both added and removed leaves the result to ordering: refused. */
function refuseBoth(added: string[], removed: string[], what: string, r: Resolver): void {
  const clash = added.find((x) => removed.includes(x));
  if (clash !== undefined) r.refuse(`${what} ${clash} is both added and removed; give one of them`);
}

/** The actions in the order they apply, are listed in help, and are stored with a job. */
export const UPDATE_NOTIFY_ACTIONS = [
  entry<{ add_roles: RoleRef[] }>({
    option: { flags: '--add-role <role[@scope]>', help: 'add a role, in a library scope if given; without one (or @INSTITUTION) it is institution-wide (repeatable)', repeatable: true },
    counter: 'roles_added',
    empty: { add_roles: [] },
    resolve: (given, r) => ({ add_roles: uniqueRoles(given.list('--add-role').map((s) => r.role(s, '--add-role', true))) }),
    build: (p) => p.add_roles.map(addRole),
  }),
  entry<{ remove_roles: RoleRef[] }>({
    option: { flags: '--remove-role <role[@scope]>', help: 'remove a role; without @scope, in every scope (repeatable)', repeatable: true },
    counter: 'roles_removed',
    empty: { remove_roles: [] },
    resolve: (given, r) => ({ remove_roles: uniqueRoles(given.list('--remove-role').map((s) => r.role(s, '--remove-role', false))) }),
    build: (p) => p.remove_roles.map(removeRole),
  }),
  entry<{ status?: (typeof STATUSES)[number] | undefined }>({
    option: { flags: '--status <status>', help: 'active or inactive', choices: STATUSES },
    counter: 'statuses_changed',
    empty: {},
    resolve(given) {
      const v = given.text('--status');
      return v === undefined ? {} : { status: STATUSES.find((s) => s === v.trim().toUpperCase()) };
    },
    build: (p) => (p.status ? [setStatus(p.status)] : []),
  }),
  scalar('user_group', '--user-group <code>', 'set the user group', 'user_groups_changed', codeOf('user_group')),
  scalar('job_category', '--job-category <code>', 'set the job category', 'job_categories_changed', codeOf('job_category')),
  scalar('job_description', '--job-description <text>', 'set the job description', 'job_descriptions_changed', textOf),
  scalar('campus_code', '--campus <code>', 'set the campus', 'campuses_changed', codeOf('campus')),
  scalar('user_title', '--user-title <code>', 'set the title (Dr, Ms, ...)', 'user_titles_changed', codeOf('user_title')),
  scalar('cataloger_level', '--cataloger-level <code>', 'set the cataloger level', 'cataloger_levels_changed', codeOf('cataloger_level')),
  scalar('expiry_date', '--expiry-date <date>', DATE_HELP, 'expiry_dates_changed', dateOf),
  scalar('purge_date', '--purge-date <date>', DATE_HELP, 'purge_dates_changed', dateOf),
  entry<{ add_blocks: { code: string; note?: string | undefined }[] }>({
    option: { flags: '--add-block <code[:note]>', help: 'add a block, with a note after a colon (repeatable)', repeatable: true },
    counter: 'blocks_added',
    empty: { add_blocks: [] },
    resolve: (given, r) => ({
      add_blocks: given.list('--add-block').map((spec) => {
        const colon = spec.indexOf(':');
        const code = r.code('block_description', colon >= 0 ? spec.slice(0, colon) : spec, '--add-block');
        const note = colon >= 0 ? spec.slice(colon + 1).trim() : '';
        return note ? { code, note } : { code };
      }),
    }),
    build: (p) => p.add_blocks.map((b) => addBlock(b.code, b.note)),
  }),
  entry<{ remove_blocks: string[] }>({
    option: { flags: '--remove-block <code>', help: 'remove a block (repeatable)', repeatable: true },
    counter: 'blocks_removed',
    empty: { remove_blocks: [] },
    resolve: (given, r) => ({ remove_blocks: r.codes('block_description', given.list('--remove-block'), '--remove-block') }),
    build: (p) => p.remove_blocks.map((b) => removeElements('blocks', b, '--remove-block')),
  }),
  entry<{ add_note?: { text: string; type: string; user_viewable: boolean } | undefined }>({
    option: { flags: '--add-note <text>', help: 'add a note' },
    modifiers: [
      { flags: '--note-type <type>', help: 'the type of the --add-note note (default GENERAL)' },
      { flags: '--note-user-viewable', help: 'the --add-note note is shown to the user' },
    ],
    counter: 'notes_added',
    empty: {},
    resolve(given, r) {
      const text = given.text('--add-note');
      const type = given.text('--note-type');
      if (text === undefined) {
        if (type !== undefined || given.on('--note-user-viewable')) {
          r.refuse('--note-type and --note-user-viewable describe the note of --add-note, which is missing');
        }
        return {};
      }
      return {
        add_note: {
          text: r.nonEmpty(text, '--add-note'),
          type: type === undefined ? 'GENERAL' : r.code('note_type', type, '--note-type'),
          user_viewable: given.on('--note-user-viewable') === true,
        },
      };
    },
    build: (p) => (p.add_note ? [addNote(p.add_note.text, p.add_note.type, p.add_note.user_viewable)] : []),
  }),
  entry<{ add_statistics: string[] }>({
    option: { flags: '--add-statistic <code>', help: 'add a statistical category (repeatable)', repeatable: true },
    counter: 'statistics_added',
    empty: { add_statistics: [] },
    resolve: (given, r) => ({ add_statistics: r.codes('statistic_category', given.list('--add-statistic'), '--add-statistic') }),
    build: (p) => p.add_statistics.map(addStatistic),
  }),
  entry<{ remove_statistics: string[] }>({
    option: { flags: '--remove-statistic <code>', help: 'remove a statistical category (repeatable)', repeatable: true },
    counter: 'statistics_removed',
    empty: { remove_statistics: [] },
    resolve: (given, r) => ({ remove_statistics: r.codes('statistic_category', given.list('--remove-statistic'), '--remove-statistic') }),
    build: (p) => p.remove_statistics.map((s) => removeElements('statistics', s, '--remove-statistic')),
  }),
  entry<{ add_rs_libraries: string[] }>({
    option: { flags: '--add-rs-library <code>', help: 'add a resource-sharing library (repeatable)', repeatable: true },
    counter: 'rs_libraries_added',
    empty: { add_rs_libraries: [] },
    resolve: (given, r) => ({ add_rs_libraries: r.codes('rs_library', given.list('--add-rs-library'), '--add-rs-library') }),
    build: (p) => p.add_rs_libraries.map(addRsLibrary),
  }),
  entry<{ remove_rs_libraries: string[] }>({
    option: { flags: '--remove-rs-library <code>', help: 'remove a resource-sharing library (repeatable)', repeatable: true },
    counter: 'rs_libraries_removed',
    empty: { remove_rs_libraries: [] },
    resolve: (given, r) => ({ remove_rs_libraries: r.codes('rs_library', given.list('--remove-rs-library'), '--remove-rs-library') }),
    build: (p) => p.remove_rs_libraries.map(removeRsLibrary),
  }),
  // password_reset is recorded only with --convert-to internal: a job that converts nothing resets no password.
  entry<{ convert_to?: 'internal' | 'external' | undefined; external_id?: string | undefined; password_reset?: boolean | undefined }>({
    option: { flags: '--convert-to <type>', help: 'internal or external account', choices: ['internal', 'external'] },
    modifiers: [
      { flags: '--external-id <profile>', help: 'with --convert-to external: the external system (e.g. SIS)' },
      { flags: '--no-password-reset', help: 'with --convert-to internal: keep the password as it is' },
    ],
    counter: 'accounts_converted',
    empty: {},
    resolve(given, r) {
      const to = given.text('--convert-to')?.trim().toLowerCase();
      const external = given.text('--external-id');
      return {
        convert_to: to === 'internal' || to === 'external' ? to : undefined,
        external_id: external === undefined ? undefined : r.nonEmpty(external, '--external-id'),
        // false without --convert-to internal is kept for check() to refuse.
        password_reset: to === 'internal' ? given.on('--password-reset') !== false : given.on('--password-reset') === false ? false : undefined,
      };
    },
    check(p, r) {
      if (p.convert_to === 'external' && !p.external_id) {
        r.refuse('--convert-to external needs --external-id PROFILE (the external system that owns the accounts)', 'e.g. --convert-to external --external-id SIS');
      }
      if (p.external_id && p.convert_to !== 'external') r.refuse('--external-id is used only with --convert-to external');
      if (p.password_reset === false && p.convert_to !== 'internal') r.refuse('--no-password-reset is used only with --convert-to internal');
    },
    build: (p) =>
      p.convert_to === 'internal' ? [convertToInternal(p.password_reset !== false)] : p.convert_to === 'external' ? [convertToExternal(p.external_id ?? '')] : [],
  }),
  // The letter: no action of its own on the user; the planner decides who gets one.
  entry<{ notify?: string | undefined }>({
    option: { flags: '--notify <type>', help: 'send the User Notifications Letter of this notification type' },
    empty: {},
    resolve(given, r) {
      const v = given.text('--notify');
      return v === undefined ? {} : { notify: r.code('notification_type', v, '--notify') };
    },
    build: () => [],
  }),
];

type Entries = (typeof UPDATE_NOTIFY_ACTIONS)[number];
type ParamsOf<E> = E extends ActionEntry<infer P> ? P : never;
type Intersect<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** The parameters of an update/notify job, as stored with it (jobs.params): every entry's, in table order. */
export type UpdateNotifyParams = Intersect<ParamsOf<Entries>>;

/** The element clashes the preflight refuses (a role, block, statistic or library both added and removed). */
export function refuseAddedAndRemoved(p: UpdateNotifyParams, r: Resolver): void {
  refuseBoth(p.add_roles.map(roleText), p.remove_roles.map(roleText), 'role', r);
  refuseBoth(p.add_blocks.map((b) => b.code), p.remove_blocks, 'block', r);
  refuseBoth(p.add_statistics, p.remove_statistics, 'statistic', r);
  refuseBoth(p.add_rs_libraries, p.remove_rs_libraries, 'rs-library', r);
  // Removing a role in every scope while adding it in one would leave the result to ordering.
  for (const x of p.remove_roles) {
    if (!x.scope && p.add_roles.some((a) => a.role === x.role)) r.refuse(`role ${x.role} is both added and removed; give one of them`);
  }
}

/** '--add-role <role[@scope]>' -> '--add-role'. */
export function optionName(flags: string): string {
  return flags.split(/[ ,<[]/)[0]!;
}

/** The key commander gives an option's value: '--add-role' -> addRole, '--no-password-reset' -> passwordReset. */
export function optionKey(name: string): string {
  return name.replace(/^--(no-)?/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Every option of the table, actions and their modifiers, in help order. */
export function actionOptions(): ActionOption[] {
  return UPDATE_NOTIFY_ACTIONS.flatMap((e) => [e.option, ...(e.modifiers ?? [])]);
}

function uniqueRoles(roles: RoleRef[]): RoleRef[] {
  const seen = new Set<string>();
  return roles.filter((x) => !seen.has(roleText(x)) && seen.add(roleText(x)));
}
