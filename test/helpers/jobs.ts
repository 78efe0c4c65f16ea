import { afterEach } from 'vitest';
import Database from 'better-sqlite3';
import { CODE_TABLES, CodeBook, DEFAULT_CODES } from '../../src/domain/codes.js';
import type { ActionEnv } from '../../src/domain/jobs/actions.js';
import { userSchema, type UserInput } from '../../src/domain/user.js';
import type { StoredUser } from '../../src/domain/user-fields.js';
import { tempStore, type CliResult } from './cli.js';
import { patron, seedUsers } from './seed.js';

export type Store = Awaited<ReturnType<typeof tempStore>>;

/** A temporary store with these users and a set of them (public, so every operator sees it). */
export async function storeWithSet(users: UserInput[], setName = 'members'): Promise<Store> {
  const s = await tempStore();
  seedUsers(s.db, users);
  await makeSet(s, setName, users.map((u) => u.primary_id));
  return s;
}

/** storeWithSet() for one test file: every store it makes is removed after each test. */
export function storesWithSet(): (users: UserInput[]) => Promise<Store> {
  const made: Store[] = [];
  afterEach(() => {
    while (made.length) made.pop()!.cleanup();
  });
  return async (users) => {
    const s = await storeWithSet(users);
    made.push(s);
    return s;
  };
}

/**
 * An itemized public set, made the way a librarian makes one: an ID file on stdin. Without
 * the operator's Add Members to Set letter, which lifecycle-letters.test.ts tests, so that
 * a test's outbox holds only the letters it is about.
 */
export async function makeSet(s: Store, name: string, ids: string[]): Promise<void> {
  const r = await s.run(['set', 'create', name, '--public', '--no-job-letter', '--from-file', '-'], { input: ['User name', ...ids].join('\n') + '\n' });
  if (r.code !== 0 && !(ids.length === 0 && r.code === 3)) throw new Error(`set create failed (${r.code}): ${r.stderr}`);
}

/** n patrons with zero-padded IDs P00001..., as `patron` makes them, changed by `over`. */
export function patrons(n: number, over: (i: number) => Partial<UserInput> = () => ({})): UserInput[] {
  return Array.from({ length: n }, (_, k) => patron(`P${String(k + 1).padStart(5, '0')}`, over(k + 1)));
}

/** `job run update-notify --set SET ... --format json`, parsed. */
export async function runJob(s: Store, set: string, args: string[], env: Record<string, string> = {}): Promise<CliResult & { json: JobJson }> {
  const r = await s.run(['--format', 'json', 'job', 'run', 'update-notify', '--set', set, ...args], { env });
  let json: JobJson;
  try {
    json = JSON.parse(r.stdout) as JobJson;
  } catch {
    throw new Error(`job run printed no JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
  return { ...r, json };
}

export interface JobJson {
  id: string;
  type: string;
  status: string;
  set: string;
  operator: string;
  reason: string | null;
  counters: Record<string, number>;
  actions: { action: string; changed: number; unchanged: number; failed: number }[];
  issues: { severity: string; code: string; message: string; users: number }[];
  started: string | null;
  ended: string | null;
  processed: number;
  total: number;
  notes: string[];
}

/**
 * Makes the store refuse to write user `primaryId`, as a failing disk would: a job that
 * reaches it Fails, and its bulk in flight rolls back. Returns the cure.
 */
export function breakWritesOf(db: string, primaryId: string): () => void {
  const d = new Database(db);
  d.prepare(`CREATE TRIGGER broken BEFORE UPDATE ON users WHEN NEW.primary_id = '${primaryId.replace(/'/g, "''")}' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`).run();
  d.close();
  return () => {
    const fix = new Database(db);
    fix.exec('DROP TRIGGER broken');
    fix.close();
  };
}

/**
 * A job on `set` (patrons P00001...) that Failed at its second bulk of 100 (users 1-100
 * done, 101-200 rolled back), its cause then removed: ready to resume or undo.
 */
export async function failedHalfway(s: Store, args: string[], set = 'members', env: Record<string, string> = {}): Promise<CliResult & { json: JobJson }> {
  const cure = breakWritesOf(s.db, 'P00150');
  try {
    return await runJob(s, set, [...args, '--bulk-size', '100'], env);
  } finally {
    cure();
  }
}

/** A user's password hash: what no command shows, read from the store file. */
export function passwordHash(db: string, primaryId: string): string | null {
  const d = new Database(db, { readonly: true });
  try {
    return (d.prepare('SELECT password_hash FROM users WHERE primary_id = ?').pluck().get(primaryId) as string | null | undefined) ?? null;
  } finally {
    d.close();
  }
}

/** A user as `users show ID --format json` gives it (Alma's REST user object). */
export async function shownUser(s: Store, primaryId: string): Promise<AlmaUser> {
  const r = await s.run(['users', 'show', primaryId, '--format', 'json']);
  if (r.code !== 0) throw new Error(`users show ${primaryId} failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as AlmaUser;
}

/** The parts of Alma's user object the job tests read. */
export interface AlmaUser {
  [field: string]: unknown;
  status: { value: string; desc: string };
}

/**
 * A user as `users show ID --format json` gives it, reduced to what the tests compare: every
 * {value, desc} as its value, dates without Alma's "Z" (null when the user has none),
 * user_role as "role@SCOPE STATUS" strings by our role code (Alma's number mapped back through
 * `codes list role`), rs_library as codes, force_password_change as a boolean.
 */
export async function userFacts(s: Store, primaryId: string): Promise<UserFacts> {
  return factsOf(await shownUser(s, primaryId), await roleCodes(s));
}

/** Every user as `users export --to ndjson` writes it, reduced as userFacts does, by primary ID. */
export async function exportedUsers(s: Store): Promise<Map<string, UserFacts>> {
  const r = await s.run(['users', 'export', '--to', 'ndjson']);
  if (r.code !== 0) throw new Error(`users export failed (${r.code}): ${r.stderr}`);
  const codes = await roleCodes(s);
  const users = r.stdout.split('\n').filter(Boolean).map((line) => factsOf(JSON.parse(line) as AlmaUser, codes));
  return new Map(users.map((u) => [u.primary_id, u]));
}

export interface UserFacts {
  [field: string]: unknown;
  primary_id: string;
  /** "license-viewer@MAIN ACTIVE", "patron ACTIVE"; parameters, when a role has some, in brackets. */
  user_role: string[];
  rs_library: string[];
  force_password_change: boolean;
}

/** Alma's role_type value (its number where the role has one, else our code) -> our role code. */
async function roleCodes(s: Store): Promise<Map<string, string>> {
  const r = await s.run(['codes', 'list', 'role', '--format', 'json']);
  const codes = JSON.parse(r.stdout) as { code: string; alma_code?: string }[];
  return new Map(codes.flatMap((c) => (c.alma_code ? [[c.alma_code, c.code] as const] : [])));
}

/** Alma's wrapping taken off, so that a test compares codes and dates as it would write them. */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'string') return /^\d{4}-\d\d-\d\dZ$/.test(v) ? v.slice(0, -1) : v;
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 2 && 'value' in o && 'desc' in o) return o.value;
  return Object.fromEntries(keys.map((k) => [k, plain(o[k])]));
}

function factsOf(u: AlmaUser, roles: Map<string, string>): UserFacts {
  const f = plain(u) as Record<string, unknown>;
  for (const d of ['birth_date', 'expiry_date', 'purge_date', 'status_date']) f[d] ??= null;
  const userRoles = f.user_role as { status: string; scope: string; role_type: string; parameter: { type: string; value: string }[] }[];
  return {
    ...f,
    primary_id: String(f.primary_id),
    user_role: userRoles.map((r) => {
      const params = r.parameter.length ? ` [${r.parameter.map((p) => `${p.type}=${p.value}`).join(', ')}]` : '';
      return `${roles.get(r.role_type) ?? r.role_type}${r.scope ? `@${r.scope}` : ''} ${r.status}${params}`;
    }),
    rs_library: (f.rs_library as { code: string }[]).map((l) => l.code),
    force_password_change: f.force_password_change === 'true',
  };
}

/** `job report ID --format json`: one row per member, in processing order. */
export async function jobReport(s: Store, jobId: string): Promise<ReportRow[]> {
  const r = await s.run(['job', 'report', jobId, '--format', 'json']);
  if (r.code !== 0) throw new Error(`job report failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as ReportRow[];
}

export interface ReportRow {
  primary_id: string;
  outcome: string;
  changes: string;
  letter: string | null;
  reason: string;
}

/** `users history ID --format json`: every change to the user, oldest first. */
export async function history(s: Store, primaryId: string): Promise<HistoryEntry[]> {
  const r = await s.run(['users', 'history', primaryId, '--format', 'json']);
  if (r.code !== 0) throw new Error(`users history failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as HistoryEntry[];
}

export interface HistoryEntry {
  job: string | null;
  operator: string;
  reason: string | null;
  field: string;
  before: unknown;
  after: unknown;
  change: string;
}

/** `job list --format json`: the jobs, newest first. */
export async function jobList(s: Store): Promise<{ id: string; type: string; status: string; processed: number; total: number }[]> {
  const r = await s.run(['job', 'list', '--format', 'json']);
  if (r.code !== 0) throw new Error(`job list failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** The code tables a fresh store starts with (init), in memory. */
export function defaultCodeBook(): CodeBook {
  return new CodeBook(CODE_TABLES.flatMap((table) => DEFAULT_CODES[table].map(([code, description, attrs]) => ({ table, code, description, attrs: attrs ?? {} }))));
}

export const TODAY = '2026-03-15';

export function env(over: Partial<ActionEnv> = {}): ActionEnv {
  return { today: TODAY, operator: 'admin', isAdministrator: true, codes: defaultCodeBook(), ...over };
}

/** A user as the store gives it back, checked by the model's schema. */
export function stored(input: Partial<UserInput> & { primary_id: string }, id = 1): StoredUser {
  const user = userSchema.parse({ first_name: 'Pat', last_name: 'Ron', user_group: 'UNDERGRAD', status: 'ACTIVE', account_type: 'INTERNAL', ...input });
  return { ...user, id, created_at: '2026-01-01T00:00:00.000Z', created_by: 'seed', updated_at: '2026-01-01T00:00:00.000Z', updated_by: 'seed' };
}
