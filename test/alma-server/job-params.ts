import { bad, isObject } from './http.js';

/**
 * The Update/Notify Users job's parameters as the API takes them (alma-api.md "Jobs"):
 * set_id, job_name, UPDATE_User_Information_<X>_Active ("true"/"false") with _Value and,
 * where they apply, _Condition, _Scope, _Scope_Name; SEND_Notification_To_User_Active and
 * _Value. Dates are Unix milliseconds. A name not listed here, a bad value, or a missing
 * value of an active field is a 400 (402228 missing, 402229 empty, 40166410 invalid).
 */

type Check = (v: string) => boolean;
const any: Check = (v) => v.trim() !== '';
const code: Check = (v) => /^[\w.\-@]+$/.test(v);
const millis: Check = (v) => /^\d{1,15}$/.test(v) && Number.isSafeInteger(Number(v));
const oneOf = (...allowed: string[]): Check => (v) => allowed.includes(v);

interface Field {
  /** Checks _Value; null when the field is a flag without a value. */
  value: Check | null;
  /** Further suffixes it takes besides _Active and _Value. */
  extra?: ('Condition' | 'Scope' | 'Scope_Name')[];
}

/** X of UPDATE_User_Information_<X>_*; Condition = "only users whose current value is this". */
export const FIELDS: Record<string, Field> = {
  UserGroup: { value: code, extra: ['Condition'] },
  Status: { value: oneOf('ACTIVE', 'INACTIVE'), extra: ['Condition'] },
  Expiry_Date: { value: millis },
  Purge_Date: { value: millis },
  AddRole: { value: /* role type codes are numeric */ (v) => /^\d+$/.test(v), extra: ['Scope', 'Scope_Name'] },
  RemoveRole: { value: (v) => /^\d+$/.test(v), extra: ['Scope', 'Scope_Name'] },
  AddBlock: { value: code },
  DisableBlock: { value: code },
  AddNote: { value: any },
  AddStatistics: { value: code },
  RemoveStatistics: { value: code },
  SetAccountTo: { value: oneOf('INTERNAL', 'EXTERNAL') },
  DontGeneratePassword: { value: null },
  Campus: { value: code },
  Title: { value: code },
  JobDescription: { value: any },
  CatalogerLevel: { value: (v) => /^\d{2}$/.test(v) },
  RSL: { value: code },
  Opt_In_Patron_Letters: { value: code },
  Opt_Out_Patron_Letters: { value: code },
  DisableSMS: { value: null },
};

/** One active update: X, its value and the further parameters given. */
export interface Update {
  field: string;
  value: string;
  condition?: string;
  scope?: string;
  scopeName?: string;
}

export interface JobPlan {
  setId: string;
  jobName: string;
  updates: Update[];
  /** The notification type to send, when SEND_Notification_To_User_Active is true. */
  notify: string | null;
}

const PREFIX = 'UPDATE_User_Information_';

/** Reads and checks the body of POST /conf/jobs/{id}?op=run. */
export function readJobParameters(body: unknown, rolesWithParameters: ReadonlySet<string>): JobPlan {
  const list = isObject(body) ? body.parameter : undefined;
  if (!Array.isArray(list)) throw bad('402228', 'Mandatory parameter is missing from input: parameter.');
  const params = new Map<string, string>();
  for (const p of list) {
    const name = isObject(p) && isObject(p.name) ? p.name.value : undefined;
    if (typeof name !== 'string' || name === '') throw bad('402228', 'Mandatory parameter is missing from input: a parameter without name.');
    if (params.has(name)) throw bad('40166410', `Invalid parameter: ${name} is given twice.`);
    const value = isObject(p) ? p.value : undefined;
    if (value !== undefined && value !== null && typeof value !== 'string') throw bad('40166410', `Invalid parameter value: ${name} must be a string.`);
    params.set(name, value ?? '');
  }
  for (const name of params.keys()) checkName(name);
  const setId = params.get('set_id');
  if (setId === undefined) throw bad('402228', 'Mandatory parameter is missing from input: set_id.');
  if (setId.trim() === '') throw bad('402229', 'Mandatory parameter value is empty: set_id.');
  const flag = (name: string): boolean => {
    const v = params.get(name);
    if (v === undefined || v === '' || v === 'false') return false;
    if (v === 'true') return true;
    throw bad('40166410', `Invalid parameter value: ${name}=${v} (true or false).`);
  };
  const updates: Update[] = [];
  for (const [field, spec] of Object.entries(FIELDS)) {
    const p = (suffix: string) => params.get(`${PREFIX}${field}_${suffix}`);
    const active = flag(`${PREFIX}${field}_Active`);
    if (!active) continue;
    const value = p('Value') ?? '';
    if (spec.value) {
      if (p('Value') === undefined) throw bad('402228', `Mandatory parameter is missing from input: ${PREFIX}${field}_Value.`);
      if (value.trim() === '') throw bad('402229', `Mandatory parameter value is empty: ${PREFIX}${field}_Value.`);
      if (!spec.value(value)) throw bad('40166410', `Invalid parameter value: ${PREFIX}${field}_Value=${value}.`);
    }
    if (field === 'AddRole' && rolesWithParameters.has(value)) {
      throw bad('40166410', `Invalid parameter value: role ${value} needs role parameters and cannot be added by the Update/Notify Users job.`);
    }
    const u: Update = { field, value };
    const condition = p('Condition');
    const scope = p('Scope');
    const scopeName = p('Scope_Name');
    if (condition) u.condition = condition;
    if (scope) u.scope = scope;
    if (scopeName) u.scopeName = scopeName;
    updates.push(u);
  }
  let notify: string | null = null;
  if (flag('SEND_Notification_To_User_Active')) {
    notify = params.get('SEND_Notification_To_User_Value') ?? '';
    if (notify.trim() === '') throw bad('402229', 'Mandatory parameter value is empty: SEND_Notification_To_User_Value.');
  }
  return { setId, jobName: params.get('job_name') ?? '', updates, notify };
}

function checkName(name: string): void {
  if (name === 'set_id' || name === 'job_name') return;
  if (name === 'SEND_Notification_To_User_Active' || name === 'SEND_Notification_To_User_Value') return;
  if (name.startsWith(PREFIX)) {
    const rest = name.slice(PREFIX.length);
    for (const [field, spec] of Object.entries(FIELDS)) {
      if (!rest.startsWith(`${field}_`)) continue;
      const suffix = rest.slice(field.length + 1);
      if (suffix === 'Active' || (suffix === 'Value' && spec.value !== null) || (spec.extra ?? []).includes(suffix as 'Scope')) return;
    }
  }
  throw bad('40166410', `Invalid parameter: ${name} is not a parameter of the Update/Notify Users job.`);
}
