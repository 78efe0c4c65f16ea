import { randomInt } from 'node:crypto';
import { isObject, type Json } from './http.js';
import type { Update } from './job-params.js';
import { PROTECTED, type StoredUser } from './users.js';

/** What the job did to one user. */
export interface UserOutcome {
  changed: boolean;
  /** The new password when the job converted the user to internal and generated one. */
  temporaryPassword?: string;
}

const SEGMENTED = ['user_identifier', 'user_block', 'user_note', 'user_statistic'] as const;
const list = (u: Json, key: string): Json[] => {
  if (!Array.isArray(u[key])) u[key] = [];
  return u[key] as Json[];
};
const val = (v: unknown): string => (isObject(v) ? String(v.value ?? '') : '');
const date = (ms: string): string => `${new Date(Number(ms)).toISOString().slice(0, 10)}Z`;

/** 10 random characters, as Alma when the job makes an external user internal. */
export function generatedPassword(): string {
  const chars = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  return Array.from({ length: 10 }, () => chars[randomInt(chars.length)]).join('');
}

function toInternal(s: StoredUser, dontGenerate: boolean, out: UserOutcome): void {
  const u = s.user;
  if (val(u.account_type) !== 'EXTERNAL') return;
  u.account_type = { value: 'INTERNAL', desc: 'Internal' };
  u.external_id = '';
  const contact = isObject(u.contact_info) ? u.contact_info : {};
  const segments = [...SEGMENTED.flatMap((k) => list(u, k)), ...['address', 'email', 'phone'].flatMap((k) => (Array.isArray(contact[k]) ? (contact[k] as Json[]) : []))];
  for (const seg of segments) if (seg.segment_type === 'External') seg.segment_type = 'Internal';
  if (!dontGenerate) {
    out.temporaryPassword = generatedPassword();
    s.password = out.temporaryPassword;
  }
}

function apply(s: StoredUser, up: Update, ctx: { institution: string; now: string; dontGenerate: boolean; out: UserOutcome }): void {
  const u = s.user;
  const setCode = (key: string) => {
    u[key] = { value: up.value };
  };
  switch (up.field) {
    case 'UserGroup': return void (!up.condition || val(u.user_group) === up.condition ? setCode('user_group') : 0);
    case 'Status': return void (!up.condition || val(u.status) === up.condition ? setCode('status') : 0);
    case 'Expiry_Date': return void (u.expiry_date = date(up.value));
    case 'Purge_Date': return void (u.purge_date = date(up.value));
    case 'Campus': return setCode('campus_code');
    case 'Title': return setCode('user_title');
    case 'CatalogerLevel': return setCode('cataloger_level');
    case 'JobDescription': return void (u.job_description = up.value);
    case 'AddRole': {
      const scope = up.scope ?? ctx.institution;
      const roles = list(u, 'user_role');
      const same = roles.find((r) => val(r.role_type) === up.value && val(r.scope) === scope);
      if (same) same.status = { value: 'ACTIVE', desc: 'Active' };
      else roles.push({ status: { value: 'ACTIVE', desc: 'Active' }, scope: { value: scope, desc: up.scopeName ?? scope }, role_type: { value: up.value } });
      return;
    }
    case 'RemoveRole':
      u.user_role = list(u, 'user_role').filter((r) => !(val(r.role_type) === up.value && (!up.scope || val(r.scope) === up.scope)));
      return;
    case 'AddBlock':
      list(u, 'user_block').push({
        block_type: { value: 'GENERAL', desc: 'General' }, block_description: { value: up.value },
        block_status: 'ACTIVE', segment_type: 'Internal', created_by: 'API', created_date: ctx.now,
      });
      return;
    case 'DisableBlock':
      for (const b of list(u, 'user_block')) if (val(b.block_description) === up.value) b.block_status = 'INACTIVE';
      return;
    case 'AddNote':
      list(u, 'user_note').push({
        note_type: { value: 'GENERAL', desc: 'General' }, note_text: up.value, user_viewable: false,
        popup_note: false, segment_type: 'Internal', created_by: 'API', created_date: ctx.now,
      });
      return;
    case 'AddStatistics':
      if (!list(u, 'user_statistic').some((st) => val(st.statistic_category) === up.value)) {
        list(u, 'user_statistic').push({ statistic_category: { value: up.value }, segment_type: 'Internal' });
      }
      return;
    case 'RemoveStatistics':
      u.user_statistic = list(u, 'user_statistic').filter((st) => val(st.statistic_category) !== up.value);
      return;
    case 'SetAccountTo':
      if (up.value === 'INTERNAL') toInternal(s, ctx.dontGenerate, ctx.out);
      else if (val(u.account_type) === 'INTERNAL') u.account_type = { value: 'EXTERNAL', desc: 'External' };
      return;
    case 'RSL':
      if (!list(u, 'rs_library').some((r) => val(r.code) === up.value)) list(u, 'rs_library').push({ code: { value: up.value } });
      return;
    case 'Opt_In_Patron_Letters':
    case 'Opt_Out_Patron_Letters': {
      const notices = list(u, 'library_notice');
      const flag = up.field === 'Opt_In_Patron_Letters' ? 'true' : 'false';
      const notice = notices.find((n) => val(n.code) === up.value);
      if (notice) notice.value = flag;
      else notices.push({ code: { value: up.value }, value: flag });
      return;
    }
    case 'DisableSMS': {
      const contact = isObject(u.contact_info) ? u.contact_info : {};
      for (const p of Array.isArray(contact.phone) ? (contact.phone as Json[]) : []) p.preferred_sms = false;
      return;
    }
    default:
      // DontGeneratePassword is read by SetAccountTo.
      return;
  }
}

/** Applies the job's updates to one user as Alma does when the instance runs. */
export function applyUpdates(s: StoredUser, updates: Update[], institution: string, now: number): UserOutcome {
  const before = JSON.stringify(s.user);
  const beforeProtected = Object.entries(PROTECTED).map(([name, key]) => [name, JSON.stringify(s.user[key])] as const);
  const out: UserOutcome = { changed: false };
  const dontGenerate = updates.some((up) => up.field === 'DontGeneratePassword');
  const ctx = { institution, now: new Date(now).toISOString(), dontGenerate, out };
  for (const up of updates) apply(s, up, ctx);
  // A change made by a job in Alma is an edit in Alma: a later PUT keeps it unless override= names it.
  for (const [name, was] of beforeProtected) if (JSON.stringify(s.user[PROTECTED[name] ?? name]) !== was) s.editedInAlma.add(name);
  out.changed = JSON.stringify(s.user) !== before || out.temporaryPassword !== undefined;
  return out;
}

/** The preferred email (or the first), where Alma sends the User Notifications Letter. */
export function preferredEmailOf(u: Json): string | null {
  const contact = isObject(u.contact_info) ? u.contact_info : {};
  const emails = Array.isArray(contact.email) ? (contact.email as Json[]) : [];
  const e = emails.find((x) => x.preferred === true || x.preferred === 'true') ?? emails[0];
  return typeof e?.email_address === 'string' ? e.email_address : null;
}
