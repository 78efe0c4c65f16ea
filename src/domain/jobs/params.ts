import { addCodeCommand, type CodeBook, type CodeTable } from '../codes.js';
import { parseDateArg } from '../dates.js';
import { UsageError } from '../errors.js';
import { unprintableIn } from '../text.js';
import type { Action } from './actions.js';
import {
  optionKey, optionName, refuseAddedAndRemoved, UPDATE_NOTIFY_ACTIONS, type ActionOption, type Given, type Resolver, type UpdateNotifyParams,
} from './action-table.js';

/**
 * The preflight of an update/notify job: every parameter checked before any user is
 * touched. Unknown codes are refused with the valid ones, roles that need parameters are
 * refused as Alma refuses them, scopes must be libraries, dates must be dates,
 * contradictions are named. Relative dates are resolved once, when the job is submitted,
 * so a job resumed tomorrow writes the same expiry date as the bulks that ran today.
 */

export type { UpdateNotifyParams } from './action-table.js';

export const PASSWORD_LETTER = 'NOTIFY_PASSWORD_CHANGE';

/** The command line's options as commander gives them (`addRole: ['a', 'b']`). */
export type ActionValues = Readonly<Record<string, unknown>>;

/** An action with the counter it adds one to when it changes a user. */
export type CountedAction = Action & { counter: string | undefined };

/** The options whose value is a note, which may hold tabs and run over several lines, as an imported note may. */
const MULTI_LINE_OPTIONS = new Set(['--add-note', '--add-block']);

/**
 * A value typed on the command line is held to the rule an imported one is (a control
 * character in no field, a line break only in a note): a job would otherwise store what
 * `users import` refuses, and the user could not be exported and imported again.
 */
function printable(option: string, v: string): string {
  const bad = unprintableIn(v, MULTI_LINE_OPTIONS.has(option) ? '\t\n\r' : '');
  if (bad === undefined) return v;
  const why = bad === 'U+000A' || bad === 'U+000D' ? `a line break (${bad}); only a note may have several lines`
    : bad === 'U+0009' ? `a tab (${bad}); only a note may hold one` : `a control character (${bad}), which no field may hold`;
  throw new UsageError(`${option}: the value holds ${why}`, "type the value again without it; in bash, $'...' turns \\e, \\t and \\n into control characters");
}

function givenOf(values: ActionValues): Given {
  const value = (option: string) => values[optionKey(option)];
  return {
    text: (option) => {
      const v = value(option);
      return typeof v === 'string' ? printable(option, v) : undefined;
    },
    list: (option) => {
      const v = value(option);
      return (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []).map((item) => printable(option, item));
    },
    on: (option) => {
      const v = value(option);
      return typeof v === 'boolean' ? v : undefined;
    },
  };
}

/**
 * An option given a value outside its choices (--status, --convert-to) is a usage error.
 * Checked before anything else, the store included, as the options' own syntax.
 */
export function checkChoices(values: ActionValues): void {
  const given = givenOf(values);
  const withChoices = UPDATE_NOTIFY_ACTIONS.flatMap((e): ActionOption[] => [e.option, ...(e.modifiers ?? [])]).filter((o) => o.choices);
  for (const o of withChoices) {
    const name = optionName(o.flags);
    const v = given.text(name);
    if (v !== undefined && !o.choices!.some((c) => c.toLowerCase() === v.trim().toLowerCase())) {
      throw new UsageError(`${name}: expected ${o.choices!.map((c) => c.toLowerCase()).join(' or ')}`);
    }
  }
}

function resolver(codes: CodeBook, now: Date): Resolver {
  const r: Resolver = {
    code(table: CodeTable, value: string, option: string): string {
      const found = codes.lookup(table, value);
      if ('found' in found) return found.found.code;
      const hint = 'ambiguous' in found ? undefined : `or add it first: ${addCodeCommand(table, value.trim())}`;
      throw new UsageError(`${option}: ${codes.problem(table, value, found)}; ${codes.validList(table)}`, hint);
    },
    codes: (table, values, option) => [...new Set(values.map((v) => r.code(table, v, option)))],
    role(spec, option, adding) {
      const at = spec.lastIndexOf('@');
      const name = (at >= 0 ? spec.slice(0, at) : spec).trim();
      const scope = at >= 0 ? spec.slice(at + 1).trim() : undefined;
      const role = r.code('role', name, option);
      if (adding && codes.needsParameters(role)) {
        throw new UsageError(
          `${option} ${role}: this role needs parameters (for example a circulation desk), which a bulk job cannot give, as in Alma`,
          `add it to each user in Alma's user editor, or pick a role without parameters`,
        );
      }
      if (scope === undefined) return { role };
      if (!scope) throw new UsageError(`${option} ${spec}: the scope after @ is empty`, 'write ROLE@LIBRARY, e.g. cataloger@MAIN');
      if (codes.isInstitution(scope)) {
        if (adding) return { role };
        // A removal without a scope removes the role in every scope: more than was asked.
        throw new UsageError(
          `${option} ${spec}: removing only the institution-wide ${role} is not an action of this job`,
          `--remove-role ${role} removes it in every scope; --remove-role ${role}@LIBRARY in one library`,
        );
      }
      return { role, scope: r.code('library', scope, `${option} ${role}@${scope}`) };
    },
    date(text, option) {
      const d = parseDateArg(text, now);
      if (!d) throw new UsageError(`${option}: "${text}" is not a date`, 'give YYYY-MM-DD, or a date relative to today such as +18m, +30d or +1y');
      return d;
    },
    nonEmpty(text, option) {
      const t = text.trim();
      if (!t) throw new UsageError(`${option} may not be empty`);
      return t;
    },
    refuse(message, hint) {
      throw new UsageError(message, hint);
    },
  };
  return r;
}

/** The preflight: the command line's options resolved into the job's parameters, or a usage error. */
export function resolveUpdateNotify(values: ActionValues, codes: CodeBook, now: Date = new Date()): UpdateNotifyParams {
  checkChoices(values);
  const r = resolver(codes, now);
  const given = givenOf(values);
  const p = Object.assign({}, ...UPDATE_NOTIFY_ACTIONS.map((e) => e.resolve(given, r))) as UpdateNotifyParams;
  for (const e of UPDATE_NOTIFY_ACTIONS) e.check?.(p, r);
  if (p.notify === PASSWORD_LETTER && p.convert_to === 'external') {
    throw new UsageError('--notify NOTIFY_PASSWORD_CHANGE with --convert-to external: external accounts have no password here (the SIS owns it)');
  }
  if (p.notify === PASSWORD_LETTER && p.convert_to === 'internal' && p.password_reset === false) {
    throw new UsageError(
      '--notify NOTIFY_PASSWORD_CHANGE with --convert-to internal --no-password-reset would send no letter: the password letter goes only to users whose password the job resets',
      'drop --no-password-reset, or send another notification type',
    );
  }
  refuseUntoldPasswords(p);
  refuseAddedAndRemoved(p, r);
  if (!UPDATE_NOTIFY_ACTIONS.some((e) => given.list(optionName(e.option.flags)).length > 0)) {
    throw new UsageError('no action given', 'give at least one, e.g. --add-role license-viewer, --status inactive, --notify GENERAL_MESSAGE (see --help)');
  }
  return p;
}

/**
 * `--convert-to internal` resets the converted users' passwords; with `--notify` of a type
 * that carries no password (GENERAL_MESSAGE...), each user would get a letter and still not
 * know the new password: locked out. Refused before anything runs (and on resume, for a job
 * recorded before this rule), naming the ways out.
 */
export function refuseUntoldPasswords(p: UpdateNotifyParams): void {
  if (p.convert_to === 'internal' && p.password_reset !== false && p.notify !== undefined && p.notify !== PASSWORD_LETTER) {
    throw new UsageError(
      `--convert-to internal resets each converted user's password, and a ${p.notify} letter does not carry it: the users would be locked out`,
      `send the new passwords with --notify ${PASSWORD_LETTER}, or keep the passwords with --no-password-reset, ` +
        `and send ${p.notify} in a job of its own`,
    );
  }
}

/** A job's stored parameters (jobs.params); what an entry added since the job was recorded reads as not given. */
export function storedParams(json: string): UpdateNotifyParams {
  const empty = Object.assign({}, ...UPDATE_NOTIFY_ACTIONS.map((e) => structuredClone(e.empty))) as UpdateNotifyParams;
  return { ...empty, ...(JSON.parse(json) as Partial<UpdateNotifyParams>) };
}

/** The job's actions, in the order they apply (and are listed), each with its counter. */
export function buildActions(p: UpdateNotifyParams): CountedAction[] {
  return UPDATE_NOTIFY_ACTIONS.flatMap((e) => e.build(p).map((a) => ({ ...a, counter: e.counter })));
}
