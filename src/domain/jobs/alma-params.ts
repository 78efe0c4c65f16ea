import type { RoleRef } from './actions.js';
import type { UpdateNotifyParams } from './action-table.js';

/**
 * The local update/notify job's actions (action-table.ts) as the parameters of Alma's own
 * Update/Notify Users job (`POST /conf/jobs/{id}?op=run`): `UPDATE_User_Information_<X>_Active`
 * with `_Value` (and `_Scope`), `SEND_Notification_To_User_*` for the letter. Dates go as
 * Unix milliseconds. An action Alma's job cannot do as alma-users does it is listed with
 * why, so that `alma push --method auto` can choose PUT and say so.
 */

export interface AlmaJobParameter {
  name: { value: string };
  value: string;
}

export interface Unmapped {
  /** The action as its option, e.g. "--job-category". */
  option: string;
  why: string;
}

export interface AlmaJobMapping {
  parameters: AlmaJobParameter[];
  unmapped: Unmapped[];
}

/** How a role is named to Alma: its role_type code (the code table's alma_code). */
export type AlmaRoleCode = (role: string) => string | undefined;

const PREFIX = 'UPDATE_User_Information_';

function epochMs(date: string): string {
  return String(Date.parse(`${date}T00:00:00Z`));
}

/** Options Alma's job has no parameter for, or does differently; the reason people read. */
const NOT_IN_ALMA: Record<string, string> = {
  '--job-category': "Alma's Update/Notify Users job has no job category parameter",
  '--remove-block': "Alma's job disables a block (DisableBlock) where alma-users removes it",
  '--remove-rs-library': "Alma's job has no parameter that removes a resource-sharing library",
};

export function almaJobParameters(p: UpdateNotifyParams, roleCode: AlmaRoleCode): AlmaJobMapping {
  const parameters: AlmaJobParameter[] = [];
  const unmapped: Unmapped[] = [];
  const set = (x: string, value: string, extra: Record<string, string> = {}) => {
    parameters.push({ name: { value: `${PREFIX}${x}_Active` }, value: 'true' });
    parameters.push({ name: { value: `${PREFIX}${x}_Value` }, value });
    for (const [k, v] of Object.entries(extra)) parameters.push({ name: { value: `${PREFIX}${x}_${k}` }, value: v });
  };
  const refuse = (option: string, why = NOT_IN_ALMA[option] ?? "Alma's job has no parameter for it") => unmapped.push({ option, why });
  /** Alma's job takes one value per parameter: a second one is a second run, so PUT does it. */
  const one = <T>(option: string, list: T[], map: (x: T) => void) => {
    if (list.length > 1) refuse(option, `Alma's job takes one value of ${option} a run; the job gives ${list.length}`);
    else if (list.length === 1) map(list[0]!);
  };
  const role = (option: string, x: string) => (r: RoleRef) => {
    const code = roleCode(r.role);
    if (code === undefined) refuse(option, `role ${r.role} has no Alma role_type code (alma_code) in the role code table`);
    else set(x, code, r.scope ? { Scope: r.scope } : {});
  };

  one('--add-role', p.add_roles, role('--add-role', 'AddRole'));
  one('--remove-role', p.remove_roles, role('--remove-role', 'RemoveRole'));
  if (p.status) set('Status', p.status);
  if (p.user_group !== undefined) set('UserGroup', p.user_group);
  if (p.job_category !== undefined) refuse('--job-category');
  if (p.job_description !== undefined) set('JobDescription', p.job_description);
  if (p.campus_code !== undefined) set('Campus', p.campus_code);
  if (p.user_title !== undefined) set('Title', p.user_title);
  if (p.cataloger_level !== undefined) set('CatalogerLevel', p.cataloger_level);
  if (p.expiry_date !== undefined) set('Expiry_Date', epochMs(p.expiry_date));
  if (p.purge_date !== undefined) set('Purge_Date', epochMs(p.purge_date));
  one('--add-block', p.add_blocks, (b) => (b.note ? refuse('--add-block', "Alma's job adds a block without a note") : set('AddBlock', b.code)));
  if (p.remove_blocks.length) refuse('--remove-block');
  if (p.add_note) {
    if (p.add_note.type !== 'GENERAL' || p.add_note.user_viewable) refuse('--add-note', "Alma's job adds a general note, not viewable by the user");
    else set('AddNote', p.add_note.text);
  }
  one('--add-statistic', p.add_statistics, (s) => set('AddStatistics', s));
  one('--remove-statistic', p.remove_statistics, (s) => set('RemoveStatistics', s));
  one('--add-rs-library', p.add_rs_libraries, (l) => set('RSL', l));
  if (p.remove_rs_libraries.length) refuse('--remove-rs-library');
  if (p.convert_to === 'internal') {
    set('SetAccountTo', 'INTERNAL');
    if (p.password_reset === false) parameters.push({ name: { value: `${PREFIX}DontGeneratePassword_Active` }, value: 'true' });
  } else if (p.convert_to === 'external') {
    refuse('--convert-to', "Alma's job converts to internal only; the API makes a user external by PUT");
  }
  if (p.notify !== undefined) {
    parameters.push({ name: { value: 'SEND_Notification_To_User_Active' }, value: 'true' });
    parameters.push({ name: { value: 'SEND_Notification_To_User_Value' }, value: p.notify });
  }
  return { parameters, unmapped };
}
