import type { Operator } from '../../domain/authz.js';
import type { CodeBook } from '../../domain/codes.js';
import { isIsoDate } from '../../domain/dates.js';
import { ConflictError, NotFoundError, PermissionError, UsageError } from '../../domain/errors.js';
import { optionKey, optionName, UPDATE_NOTIFY_ACTIONS } from '../../domain/jobs/action-table.js';
import { describeChange, type FieldChange } from '../../domain/jobs/changes.js';
import { addPlanner, deletePlanner, editPlanner, FIELD_SETTERS, MANDATORY_FIELDS, resetPasswordPlanner, type FieldValues } from '../../domain/jobs/one-user.js';
import { resolveUpdateNotify, storedParams, type ActionValues, type UpdateNotifyParams } from '../../domain/jobs/params.js';
import { updateNotifyPlanner, type Planner, type UserPlan } from '../../domain/jobs/plan.js';
import { RESTRICTED, type ActionEnv } from '../../domain/jobs/actions.js';
import type { JobType } from '../../domain/jobs/status.js';
import { emailAddress, userSchema, type User } from '../../domain/user.js';
import { ACCOUNT_TYPES, RECORD_TYPES } from '../../domain/user-enums.js';
import type { StoredUser } from '../../domain/user-fields.js';
import type { Db } from '../../store/db.js';
import type { MemberSelect } from '../../store/job-members.js';
import { newUser, oneUser, UserRecords } from '../../store/user-records.js';
import { UserStore } from '../../store/users.js';
import { actionEnv, openJobLetters, type JobPlace, type PreparedJob } from '../jobs/run.js';

/**
 * The preflight of `users add`, `edit`, `reset-password` and `delete`: the options checked,
 * the one user planned as the job will plan it; a plan that fails is refused here, before
 * any job is recorded (a restricted account: exit 4; anything else: the reason). What
 * passes becomes a job of one member (submit.ts).
 */

export interface OneUserRun extends PreparedJob {
  type: JobType;
  members: MemberSelect;
  /** Stored with the job. */
  params: unknown;
  /** The user as planned now: what --dry-run shows. */
  plan: UserPlan;
  /** The fields of a new user, for --dry-run (the plan itself says only "user created"). */
  detail?: FieldChange[] | undefined;
}

/** The command line's options (commander's keys). */
export type Options = Readonly<Record<string, unknown>>;

/** Whether any update/notify action was given, so that a command of field setters only needs none. */
function anyAction(values: ActionValues): boolean {
  return UPDATE_NOTIFY_ACTIONS.some((e) => values[optionKey(optionName(e.option.flags))] !== undefined);
}

function actionParams(values: ActionValues, codes: CodeBook): UpdateNotifyParams {
  return anyAction(values) ? resolveUpdateNotify(values, codes) : storedParams('{}');
}

/** The field setters given, checked: an empty value clears a field, except a mandatory one. */
export function fieldValues(opts: Options): FieldValues {
  const out: FieldValues = [];
  for (const s of FIELD_SETTERS) {
    const name = optionName(s.flags);
    const raw = opts[optionKey(name)];
    if (typeof raw !== 'string') continue;
    const v = raw.trim();
    if (!v) {
      if ((MANDATORY_FIELDS as readonly string[]).includes(s.field) || s.field === 'email') {
        throw new UsageError(`${name} may not be empty: Alma's user details require it`);
      }
      out.push({ field: s.field, value: null });
      continue;
    }
    if (s.date && !isIsoDate(v)) throw new UsageError(`${name}: "${v}" is not a date`, 'give YYYY-MM-DD');
    if (s.field === 'email' && !emailAddress.safeParse(v).success) throw new UsageError(`${name}: "${v}" is not an e-mail address`, 'expected name@domain');
    out.push({ field: s.field, value: v });
  }
  return out;
}

function choice<T extends string>(value: unknown, choices: readonly T[], option: string, fallback: T): T {
  if (value === undefined) return fallback;
  const v = String(value).trim().toUpperCase();
  const found = choices.find((c) => c === v);
  if (!found) throw new UsageError(`${option}: expected ${choices.map((c) => c.toLowerCase()).join(', ')}`);
  return found;
}

function findUser(db: Db, id: string | undefined): StoredUser {
  const primaryId = (id ?? '').trim();
  if (!primaryId) throw new UsageError('name a user by primary ID');
  const user = new UserStore(db).get(primaryId);
  if (!user) throw new NotFoundError(`no user ${primaryId}`, 'find the primary ID with: alma-users users search NAME');
  return user;
}

/** A plan that fails for this one user is refused before a job is recorded. */
function refuseFailed(plan: UserPlan): UserPlan {
  const e = plan.issues.find((i) => i.severity === 'error');
  if (!plan.failed || !e) return plan;
  if (e.code === RESTRICTED) throw new PermissionError(`${plan.before.primary_id}: ${e.message}`);
  throw new ConflictError(`${plan.before.primary_id}: ${e.message}`);
}

function run(type: JobType, planner: Planner, members: MemberSelect, params: unknown, plan: UserPlan): OneUserRun {
  return { type, planner, members, params, plan: refuseFailed(plan) };
}

/** `users add ID --first-name F --last-name L ...`: Alma's mandatory fields, then the chosen actions. */
export function prepareAdd(db: Db, op: Operator, codes: CodeBook, id: string | undefined, opts: Options): OneUserRun {
  const primaryId = (id ?? '').trim();
  const fields = fieldValues(opts);
  for (const f of MANDATORY_FIELDS) {
    if (!fields.some((v) => v.field === f)) throw new UsageError(`users add needs --${f.replace('_', '-')}: Alma's user details require First Name, Last Name and Primary Identifier`);
  }
  const env = actionEnv(op, codes);
  const values = { ...opts, addRole: opts.role };
  const actions = actionParams(values, codes);
  const parsed = userSchema.safeParse({
    primary_id: primaryId,
    record_type: choice(opts.recordType, RECORD_TYPES, '--record-type', 'PUBLIC'),
    account_type: choice(opts.accountType, ACCOUNT_TYPES, '--account-type', 'INTERNAL'),
  });
  if (!parsed.success) throw new UsageError(`users add: ${parsed.error.issues[0]?.message ?? 'invalid user'}`);
  const bare = { ...parsed.data, id: 0 } as StoredUser;
  const named = editPlanner(fields, updateNotifyPlanner(actions, env), env).plan(bare);
  refuseFailed(named);
  const { id: _none, ...record } = { ...bare, ...named.after } as StoredUser;
  const user: User = record;
  const params: AddParams = { primary_id: primaryId, user };
  const planner = oneUserPlanner(db, 'user-add', params, env);
  return { ...run('user-add', planner, newUser(primaryId), params, planner.planAbsent!({ userId: 0, primaryId })!), detail: named.changes };
}

/** `users edit ID [setters] [actions]`. */
export async function prepareEdit(place: JobPlace, op: Operator, codes: CodeBook, id: string | undefined, opts: Options): Promise<OneUserRun> {
  const user = findUser(place.db, id);
  const fields = fieldValues(opts);
  if (!fields.length && !anyAction(opts)) throw new UsageError('nothing to change', 'give a field (--first-name, --email...) or an action (--add-role, --expiry-date...); see --help');
  const params: EditParams = { primary_id: user.primary_id, fields, actions: actionParams(opts, codes) };
  const planner = oneUserPlanner(place.db, 'user-edit', params, actionEnv(op, codes));
  const r = run('user-edit', planner, oneUser(user.id), params, planner.plan(user));
  if (planner.letterType) r.letters = await openJobLetters(place, planner.letterType, user);
  return r;
}

/** `users reset-password ID [--notify]`. */
export async function prepareResetPassword(place: JobPlace, op: Operator, codes: CodeBook, id: string | undefined, notify: boolean): Promise<OneUserRun> {
  const user = findUser(place.db, id);
  const params: ResetParams = { primary_id: user.primary_id, notify };
  const planner = oneUserPlanner(place.db, 'user-reset-password', params, actionEnv(op, codes));
  const r = run('user-reset-password', planner, oneUser(user.id), params, planner.plan(user));
  if (planner.letterType) r.letters = await openJobLetters(place, planner.letterType, user);
  return r;
}

/** `users delete ID`: never the operator's own record. */
export function prepareDelete(db: Db, op: Operator, codes: CodeBook, id: string | undefined): OneUserRun {
  const user = findUser(db, id);
  if (user.id === op.user.id) throw new ConflictError(`${user.primary_id} is the operator of this command; a user cannot delete itself`);
  const params: OneUserParams = { primary_id: user.primary_id };
  const planner = oneUserPlanner(db, 'user-delete', params, actionEnv(op, codes));
  return run('user-delete', planner, oneUser(user.id), params, planner.plan(user));
}

/** What a job of one user stores (jobs.params): enough to plan it again when it is resumed. */
export interface OneUserParams {
  /** The member; absent in jobs recorded before it was stored. */
  primary_id?: string;
}
export interface AddParams extends OneUserParams {
  user: User;
}
export interface EditParams extends OneUserParams {
  fields: FieldValues;
  actions: UpdateNotifyParams;
}
export interface ResetParams extends OneUserParams {
  notify: boolean;
}
export type OneUserType = Extract<JobType, 'user-add' | 'user-edit' | 'user-reset-password' | 'user-delete'>;

/** The rule of a job of one user from its stored parameters: the same whether it runs now or is resumed. */
export function oneUserPlanner(db: Db, type: OneUserType, params: OneUserParams, env: ActionEnv): Planner {
  switch (type) {
    case 'user-add': {
      const records = new UserRecords(db);
      return addPlanner((params as AddParams).user, env, (p) => records.exists(p));
    }
    case 'user-edit': {
      const p = params as EditParams;
      return editPlanner(p.fields, updateNotifyPlanner(storedParams(JSON.stringify(p.actions)), env), env);
    }
    case 'user-reset-password':
      return resetPasswordPlanner((params as ResetParams).notify, env);
    case 'user-delete':
      return deletePlanner(env);
  }
}

/** What --dry-run shows: each change before -> after, and what would stop it. */
export function describePlan(r: OneUserRun): string[] {
  const changes = [...r.plan.changes, ...(r.detail ?? [])];
  return changes.length ? changes.map(describeChange) : ['no change'];
}
