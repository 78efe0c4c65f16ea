import { z } from 'zod';
import type { CodeBook, CodeTable } from '../codes.js';
import { parseDateArg } from '../dates.js';
import { UsageError } from '../errors.js';
import { STATUSES } from '../user-fields.js';

/**
 * The parameters of an update/notify job, as stored with the job (jobs.params) and read
 * back by `job resume`. Everything here has been checked against the code tables, and
 * relative dates are resolved once, when the job is submitted, so a job resumed tomorrow
 * writes the same expiry date as the bulks that ran today.
 */

const roleRef = z.object({ role: z.string(), scope: z.string().optional() });

export const updateNotifyParamsSchema = z.object({
  add_roles: z.array(roleRef).default([]),
  remove_roles: z.array(roleRef).default([]),
  status: z.enum(STATUSES).optional(),
  user_group: z.string().optional(),
  job_category: z.string().optional(),
  job_description: z.string().optional(),
  campus_code: z.string().optional(),
  user_title: z.string().optional(),
  cataloger_level: z.string().optional(),
  expiry_date: z.string().optional(),
  purge_date: z.string().optional(),
  add_blocks: z.array(z.object({ code: z.string(), note: z.string().optional() })).default([]),
  remove_blocks: z.array(z.string()).default([]),
  add_note: z.object({ text: z.string(), type: z.string(), user_viewable: z.boolean() }).optional(),
  add_statistics: z.array(z.string()).default([]),
  remove_statistics: z.array(z.string()).default([]),
  add_rs_libraries: z.array(z.string()).default([]),
  remove_rs_libraries: z.array(z.string()).default([]),
  convert_to: z.enum(['internal', 'external']).optional(),
  external_id: z.string().optional(),
  password_reset: z.boolean().default(true),
  notify: z.string().optional(),
});
export type UpdateNotifyParams = z.output<typeof updateNotifyParamsSchema>;
export type RoleRef = z.output<typeof roleRef>;

/** The actions as given on the command line (already trimmed and shaped by the CLI). */
export interface UpdateNotifyInput {
  addRole?: string[] | undefined;
  removeRole?: string[] | undefined;
  status?: 'ACTIVE' | 'INACTIVE' | undefined;
  userGroup?: string | undefined;
  jobCategory?: string | undefined;
  jobDescription?: string | undefined;
  campus?: string | undefined;
  userTitle?: string | undefined;
  catalogerLevel?: string | undefined;
  expiryDate?: string | undefined;
  purgeDate?: string | undefined;
  addBlock?: string[] | undefined;
  removeBlock?: string[] | undefined;
  addNote?: string | undefined;
  noteType?: string | undefined;
  noteUserViewable?: boolean | undefined;
  addStatistic?: string[] | undefined;
  removeStatistic?: string[] | undefined;
  addRsLibrary?: string[] | undefined;
  removeRsLibrary?: string[] | undefined;
  convertTo?: 'internal' | 'external' | undefined;
  externalId?: string | undefined;
  /** false with --no-password-reset */
  passwordReset?: boolean | undefined;
  notify?: string | undefined;
}

export const PASSWORD_LETTER = 'NOTIFY_PASSWORD_CHANGE';

/**
 * Checks every parameter before any user is touched: unknown codes are refused with the
 * valid ones, roles that need parameters are refused as Alma refuses them, scopes must be
 * libraries, dates must be dates, contradictions are named.
 */
export function resolveUpdateNotify(input: UpdateNotifyInput, codes: CodeBook, now: Date = new Date()): UpdateNotifyParams {
  const code = (table: CodeTable, value: string, option: string): string => {
    const v = value.trim();
    if (!codes.has(table, v)) {
      throw new UsageError(`${option}: unknown ${table} code "${v}"; ${codes.validList(table)}`, `add it first: alma-users codes add ${table} ${v}`);
    }
    return v;
  };
  const role = (spec: string, option: string): RoleRef => {
    const at = spec.lastIndexOf('@');
    const name = (at >= 0 ? spec.slice(0, at) : spec).trim();
    const scope = at >= 0 ? spec.slice(at + 1).trim() : undefined;
    const r = code('role', name, option);
    if (option === '--add-role' && codes.get('role', r)?.attrs.needs_parameters) {
      throw new UsageError(
        `${option} ${r}: this role needs parameters (for example a circulation desk), which a bulk job cannot give, as in Alma`,
        `add it to each user in Alma's user editor, or pick a role without parameters`,
      );
    }
    if (scope !== undefined) {
      if (!scope) throw new UsageError(`${option} ${spec}: the scope after @ is empty`, 'write ROLE@LIBRARY, e.g. cataloger@MAIN');
      code('library', scope, `${option} ${r}@`);
    }
    return scope ? { role: r, scope } : { role: r };
  };
  const date = (text: string, option: string): string => {
    const d = parseDateArg(text, now);
    if (!d) throw new UsageError(`${option}: "${text}" is not a date`, 'give YYYY-MM-DD, or a date relative to today such as +18m, +30d or +1y');
    return d;
  };
  const nonEmpty = (text: string, option: string): string => {
    const t = text.trim();
    if (!t) throw new UsageError(`${option} may not be empty`);
    return t;
  };
  const list = (values: string[] | undefined, table: CodeTable, option: string) => unique((values ?? []).map((v) => code(table, v, option)));

  const p: UpdateNotifyParams = {
    add_roles: uniqueRoles((input.addRole ?? []).map((s) => role(s, '--add-role'))),
    remove_roles: uniqueRoles((input.removeRole ?? []).map((s) => role(s, '--remove-role'))),
    status: input.status,
    user_group: input.userGroup === undefined ? undefined : code('user_group', input.userGroup, '--user-group'),
    job_category: input.jobCategory === undefined ? undefined : code('job_category', input.jobCategory, '--job-category'),
    job_description: input.jobDescription === undefined ? undefined : nonEmpty(input.jobDescription, '--job-description'),
    campus_code: input.campus === undefined ? undefined : code('campus', input.campus, '--campus'),
    user_title: input.userTitle === undefined ? undefined : code('user_title', input.userTitle, '--user-title'),
    cataloger_level: input.catalogerLevel === undefined ? undefined : code('cataloger_level', input.catalogerLevel, '--cataloger-level'),
    expiry_date: input.expiryDate === undefined ? undefined : date(input.expiryDate, '--expiry-date'),
    purge_date: input.purgeDate === undefined ? undefined : date(input.purgeDate, '--purge-date'),
    add_blocks: (input.addBlock ?? []).map((spec) => {
      const colon = spec.indexOf(':');
      const c = code('block_description', colon >= 0 ? spec.slice(0, colon) : spec, '--add-block');
      const note = colon >= 0 ? spec.slice(colon + 1).trim() : '';
      return note ? { code: c, note } : { code: c };
    }),
    remove_blocks: list(input.removeBlock, 'block_description', '--remove-block'),
    add_note: undefined,
    add_statistics: list(input.addStatistic, 'statistic_category', '--add-statistic'),
    remove_statistics: list(input.removeStatistic, 'statistic_category', '--remove-statistic'),
    add_rs_libraries: list(input.addRsLibrary, 'rs_library', '--add-rs-library'),
    remove_rs_libraries: list(input.removeRsLibrary, 'rs_library', '--remove-rs-library'),
    convert_to: input.convertTo,
    external_id: input.externalId === undefined ? undefined : nonEmpty(input.externalId, '--external-id'),
    password_reset: input.passwordReset !== false,
    notify: input.notify === undefined ? undefined : code('notification_type', input.notify, '--notify'),
  };

  if (input.addNote !== undefined) {
    p.add_note = {
      text: nonEmpty(input.addNote, '--add-note'),
      type: input.noteType === undefined ? 'GENERAL' : code('note_type', input.noteType, '--note-type'),
      user_viewable: input.noteUserViewable === true,
    };
  } else if (input.noteType !== undefined || input.noteUserViewable) {
    throw new UsageError('--note-type and --note-user-viewable describe the note of --add-note, which is missing');
  }

  if (p.convert_to === 'external' && !p.external_id) {
    throw new UsageError('--convert-to external needs --external-id PROFILE (the external system that owns the accounts)', 'e.g. --convert-to external --external-id SIS');
  }
  if (p.external_id && p.convert_to !== 'external') throw new UsageError('--external-id is used only with --convert-to external');
  if (!p.password_reset && p.convert_to !== 'internal') throw new UsageError('--no-password-reset is used only with --convert-to internal');
  if (p.notify === PASSWORD_LETTER && p.convert_to === 'external') {
    throw new UsageError('--notify NOTIFY_PASSWORD_CHANGE with --convert-to external: external accounts have no password here (the SIS owns it)');
  }
  if (p.notify === PASSWORD_LETTER && p.convert_to === 'internal' && !p.password_reset) {
    throw new UsageError(
      '--notify NOTIFY_PASSWORD_CHANGE with --convert-to internal --no-password-reset would send no letter: the password letter goes only to users whose password the job resets',
      'drop --no-password-reset, or send another notification type',
    );
  }
  refuseUntoldPasswords(p);
  const both = (a: string[], b: string[], what: string) => {
    const clash = a.find((x) => b.includes(x));
    if (clash !== undefined) throw new UsageError(`${what} ${clash} is both added and removed; give one of them`);
  };
  both(p.add_roles.map(roleText), p.remove_roles.map(roleText), 'role');
  both(p.add_blocks.map((b) => b.code), p.remove_blocks, 'block');
  both(p.add_statistics, p.remove_statistics, 'statistic');
  both(p.add_rs_libraries, p.remove_rs_libraries, 'rs-library');
  // Removing a role in every scope while adding it in one would leave the result to ordering.
  for (const r of p.remove_roles) {
    if (!r.scope && p.add_roles.some((a) => a.role === r.role)) throw new UsageError(`role ${r.role} is both added and removed; give one of them`);
  }

  const given = Object.entries(p).some(([k, v]) => k !== 'password_reset' && (Array.isArray(v) ? v.length > 0 : v !== undefined));
  if (!given) {
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
  if (p.convert_to === 'internal' && p.password_reset && p.notify !== undefined && p.notify !== PASSWORD_LETTER) {
    throw new UsageError(
      `--convert-to internal resets each converted user's password, and a ${p.notify} letter does not carry it: the users would be locked out`,
      `send the new passwords with --notify ${PASSWORD_LETTER}, or keep the passwords with --no-password-reset, ` +
        `and send ${p.notify} in a job of its own`,
    );
  }
}

export function roleText(r: RoleRef): string {
  return r.scope ? `${r.role}@${r.scope}` : r.role;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function uniqueRoles(roles: RoleRef[]): RoleRef[] {
  const seen = new Set<string>();
  return roles.filter((r) => !seen.has(roleText(r)) && seen.add(roleText(r)));
}
