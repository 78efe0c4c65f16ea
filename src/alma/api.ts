import { AlmaApiError } from '../domain/alma/connection.js';
import type { AlmaJobParameter } from '../domain/jobs/alma-params.js';
import type { AlmaClient } from './client.js';

/**
 * The calls alma-users makes, by Alma's documentation (Dev: users, sets, jobs). Records
 * come and go as Alma's JSON objects: the app layer maps them to and from the user model.
 */

type Obj = Record<string, unknown>;

/** Alma's GET /users gives at most 100 a page. */
export const PAGE = 100;
/** Alma's sets take at most 1,000 members a call (errors 60115, 60118, 60119). */
export const MEMBERS_PER_CALL = 1000;

function obj(v: unknown): Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {};
}

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'object' && v !== null && 'value' in v) return text((v as Obj).value);
  return undefined;
}

const path = (id: string) => encodeURIComponent(id);

/** The cheap key check of the users area. */
export async function testKey(c: AlmaClient): Promise<void> {
  await c.get('/users/test');
}

/** One page of GET /users: primary IDs and the total the query matches. */
export async function listUsers(c: AlmaClient, q: string | undefined, offset: number): Promise<{ ids: string[]; total: number }> {
  const { body } = await c.get('/users', { q, limit: PAGE, offset, order_by: 'primary_id' });
  const b = obj(body);
  const users = Array.isArray(b.user) ? b.user : b.user === undefined ? [] : [b.user];
  const ids = users.map((u) => text(obj(u).primary_id)).filter((x): x is string => x !== undefined && !x.startsWith('no primary id'));
  return { ids, total: Number(b.total_record_count ?? 0) };
}

export async function getUser(c: AlmaClient, id: string): Promise<Obj> {
  const { body } = await c.get(`/users/${path(id)}`, { user_id_type: 'all_unique', view: 'full', expand: 'none' });
  return obj(body);
}

/** Swap-all PUT; `override` names protected fields of an external user the call replaces. */
export async function putUser(c: AlmaClient, id: string, user: Obj, override: string[]): Promise<Obj> {
  const { body } = await c.request('PUT', `/users/${path(id)}`, {
    query: { user_id_type: 'all_unique', override: override.length ? override.join(',') : undefined },
    body: user,
    idempotent: true,
  });
  return obj(body);
}

export async function createUserSet(c: AlmaClient, name: string, description: string): Promise<string> {
  const { body } = await c.request('POST', '/conf/sets', {
    body: { name, description, type: { value: 'ITEMIZED' }, content: { value: 'USER' }, private: { value: 'false' } },
  });
  const id = text(obj(body).id);
  if (!id) throw new AlmaApiError(200, 'NO_SET_ID', 'the new set came back without an id', undefined, 'POST /conf/sets');
  return id;
}

/** An itemized user set of exactly this name, if Alma has one (a set made before a crash let its id go unrecorded). */
export async function findUserSet(c: AlmaClient, name: string): Promise<string | undefined> {
  const { body } = await c.get('/conf/sets', { content_type: 'USER', q: `name~${name}`, limit: 100 });
  const sets = obj(body).set;
  const list = Array.isArray(sets) ? sets : sets === undefined ? [] : [sets];
  return list.map(obj).filter((x) => x.name === name).map((x) => text(x.id)).find((id) => id !== undefined);
}

export async function addMembers(c: AlmaClient, setId: string, ids: string[]): Promise<void> {
  await c.request('POST', `/conf/sets/${path(setId)}`, {
    query: { op: 'add_members', fail_on_invalid_id: 'false' },
    body: { members: { member: ids.map((id) => ({ id })) } },
    idempotent: true,
  });
}

export async function deleteSet(c: AlmaClient, setId: string): Promise<void> {
  await c.request('DELETE', `/conf/sets/${path(setId)}`, { idempotent: true });
}

/** Runs a job; the id of the instance it started (from additional_info's link). */
export async function runJob(c: AlmaClient, jobId: string, parameters: AlmaJobParameter[]): Promise<string> {
  const call = `POST /conf/jobs/${jobId}`;
  const { body } = await c.request('POST', `/conf/jobs/${path(jobId)}`, { query: { op: 'run' }, body: { parameter: parameters } });
  const info = obj(obj(body).additional_info);
  const link = typeof info.link === 'string' ? info.link : '';
  const m = /\/instances\/([^/?#]+)/.exec(link);
  if (!m) throw new AlmaApiError(200, 'NO_INSTANCE', `the job started but its answer names no instance (${text(info) ?? 'no additional_info'})`, undefined, call);
  return decodeURIComponent(m[1]!);
}

export interface JobInstance {
  status: string;
  progress: number;
  counters: { type: string; desc: string; value: string }[];
  alerts: string[];
}

export async function jobInstance(c: AlmaClient, jobId: string, instanceId: string): Promise<JobInstance> {
  const { body } = await c.get(`/conf/jobs/${path(jobId)}/instances/${path(instanceId)}`);
  const b = obj(body);
  const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
  return {
    status: text(b.status) ?? 'UNKNOWN',
    progress: Number(b.progress ?? 0),
    counters: list(b.counter).map((x) => {
      const t = obj(obj(x).type);
      return { type: text(t.value) ?? '', desc: typeof t.desc === 'string' ? t.desc : '', value: text(obj(x).value) ?? '' };
    }),
    alerts: list(b.alert).map((a) => (typeof obj(a).desc === 'string' && obj(a).desc ? String(obj(a).desc) : text(a) ?? '')),
  };
}

/** Statuses after which an instance changes no more. */
export function instanceEnded(status: string): boolean {
  return /^(COMPLETED|FAILED|ABORTED|FINALIZED|SKIPPED|CANCEL)/.test(status);
}
