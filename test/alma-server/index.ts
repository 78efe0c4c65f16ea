/**
 * An Alma API test double: the parts of Ex Libris Alma's REST API that alma-users calls,
 * behaving as Alma documents them (/work/brief/alma-api.md, fixtures/interop/alma-schemas/,
 * the samples in fixtures/interop/alma-json/ and alma-xml/), not as our client expects.
 * node:http on 127.0.0.1, port 0; started and stopped by the tests (and the bench).
 *
 * HTTP (under /almaws/v1; JSON with `Accept: application/json` or format=json, XML otherwise):
 * - key: `Authorization: apikey KEY` or `?apikey=KEY`; a missing or wrong key is 401 UNAUTHORIZED.
 *   GET /users/test, /users/operation/test, /conf/test: the cheap key check.
 * - limits: at most `perSecond` calls admitted in any one second (sliding window; a refused
 *   call does not use the window up), else 429 PER_SECOND_THRESHOLD; every admitted call
 *   counts down the daily quota, at zero 429 DAILY_THRESHOLD; every answer carries
 *   X-Exl-Api-Remaining. Errors use Alma's envelope (errorsExist, errorList.error[]).
 * - users: GET /users?q=&limit=(0-100)&offset=&expand=full -> {user: [brief], total_record_count}
 *   (no `user` when nothing matches; q is FIELD~VALUE joined by AND, fields as Alma's brief
 *   search: primary_id, first_name, last_name, email, job_category, identifiers, user_group,
 *   ALL...; `*` is a wildcard); GET /users/{id} (primary ID, case-insensitive, or any
 *   identifier; 401861 when not found); PUT /users/{id} swap-all (a list sent replaces the
 *   stored list, a field left out is cleared, user_role kept when absent; for EXTERNAL users
 *   the protected fields are kept when edited in Alma or sent empty unless named in
 *   override=; external -> internal refused 401859; external_id change 401858; a password
 *   under 8 characters 500038); POST /users (401664, 401851, 401853, 401854, 401857);
 *   DELETE /users/{id} (204, 401890).
 * - sets: POST /conf/sets (ITEMIZED, content USER; members optional), GET /conf/sets/{id},
 *   POST /conf/sets/{id}?op=add_members|delete_members|replace_members[&fail_on_invalid_id=false]
 *   with {members: {member: [{id}]}}, at most 1,000 a call (60118 beyond; other codes in
 *   sets.ts), members by primary ID or any identifier; GET /conf/sets/{id}/members
 *   (limit/offset); DELETE /conf/sets/{id} (204); GET /conf/sets?content_type=USER&q=name~X.
 * - jobs: GET /conf/jobs (the one MANUAL job), GET /conf/jobs/{jobId}; POST
 *   /conf/jobs/{jobId}?op=run with {parameter: [{name: {value}, value}]}: set_id, job_name,
 *   UPDATE_User_Information_<X>_Active/_Value (+ _Condition for UserGroup and Status: only
 *   users with that current value; + _Scope/_Scope_Name for AddRole and RemoveRole), X in
 *   UserGroup Status Expiry_Date Purge_Date (Unix ms) AddRole RemoveRole AddBlock
 *   DisableBlock AddNote AddStatistics RemoveStatistics SetAccountTo (INTERNAL|EXTERNAL)
 *   DontGeneratePassword (flag) Campus Title JobDescription CatalogerLevel RSL
 *   Opt_In_Patron_Letters Opt_Out_Patron_Letters DisableSMS (flag);
 *   SEND_Notification_To_User_Active/_Value. Unknown name or bad value 40166410, missing
 *   402228, empty 402229, a role needing parameters 40166410, unknown set 60107, wrong job
 *   402215/402216, op 402220/402221, 3 unfinished API jobs 402222, 5 runs an hour 402223.
 *   The answer's additional_info.link is the new instance: GET
 *   /conf/jobs/{jobId}/instances/{id} is QUEUED, then RUNNING (progress), then
 *   COMPLETED_SUCCESS (COMPLETED_WARNING when a user failed), `jobStagePolls` GETs a stage;
 *   counters c.jobs.users.total/updated/unchanged/failed/notified, alerts
 *   alert_general_success / alert_general_with_warnings. On completion the changes reach
 *   the users (external -> internal: segments Internal, external_id cleared, a 10-character
 *   password unless DontGeneratePassword; protected fields the job changed count as edited
 *   in Alma), and one notification per user is recorded when asked.
 *
 * Harness (plain functions):
 *   const alma = await startAlmaServer({ apiKey, perSecond, dailyQuota, jobId, latencyMs });
 *   alma.url                       http://127.0.0.1:PORT (give it to `alma config --url`)
 *   alma.apiBase                   alma.url + '/almaws/v1'
 *   alma.seedUsers([almaJson...])  users as Alma JSON (password, if any, kept write-only)
 *   alma.user(id)                  the stored record (a copy), undefined if none
 *   alma.password(id)              the stored password (null if none)
 *   alma.editInAlma(id, patch|fn)  a change made in Alma's UI; protected fields it changes
 *                                  then resist a PUT without override=
 *   alma.deleteUser(id), alma.userCount()
 *   alma.setRemaining(n), alma.remaining()      the daily quota left
 *   alma.setPerSecond(n)
 *   alma.storm(n)                  the next n authenticated calls answer 429 PER_SECOND_THRESHOLD
 *   alma.failNext(n, status=500)   the next n admitted calls answer that status
 *   alma.dropNext(n)               the next n admitted calls are cut without an answer
 *   alma.stats()                   counters (AlmaStats: calls, byRoute "PUT /users/{id}",
 *                                  byStatus, rejected429, rateRejections, maxPerSecond,
 *                                  maxArrivalsPerSecond, keyInQuery, unauthorized, admitted...)
 *   alma.resetStats(), alma.requests() (log without the key)
 *   alma.sets(), alma.set(id)      the sets ({id, name, members: primary IDs...})
 *   alma.jobInstances()            instances as GET answers them (without moving them on)
 *   alma.completeJobs()            finish every unfinished instance now
 *   alma.failUsersInJobs(ids)      these users fail in later runs (COMPLETED_WARNING)
 *   alma.notifications()           letters the job sent: {instanceId, primaryId, type, email, temporaryPassword?}
 *   alma.stop()
 */
import type { Server } from 'node:http';
import { emptyStats, Governor, type AlmaStats } from './governor.js';
import type { Json } from './http.js';
import { JobEngine, jobRoutes, type Notification } from './jobs.js';
import { userRoutes } from './routes-users.js';
import { SetStore, setRoutes, type AlmaSet } from './sets.js';
import { listen, type RequestLogEntry } from './server.js';
import { UserStore } from './users.js';

export type { AlmaStats } from './governor.js';
export type { RequestLogEntry } from './server.js';
export type { Json } from './http.js';
export type { Notification } from './jobs.js';
export type { AlmaSet } from './sets.js';

export interface AlmaServerOptions {
  /** Default 'test-api-key'. */
  apiKey?: string;
  /** Calls admitted in any one second; default 25. */
  perSecond?: number;
  /** Calls left today; default 1,000,000. */
  dailyQuota?: number;
  /** The Update/Notify Users job's id; default 'M148'. */
  jobId?: string;
  /** Delay before each answer (ms); default 0. */
  latencyMs?: number;
  /** The clock (ms); default Date.now. */
  now?: () => number;
  /** The institution code, the scope of roles added without _Scope; default '01TEST_INST'. */
  institution?: string;
  /** Role types that need role parameters, refused by AddRole; default 32, 51, 221 (assumed codes). */
  rolesWithParameters?: string[];
  /** GETs of a job instance in each of QUEUED and RUNNING; default 1. */
  jobStagePolls?: number;
}

export interface AlmaTestServer {
  url: string;
  apiBase: string;
  port: number;
  apiKey: string;
  jobId: string;
  seedUsers(users: Json[]): void;
  user(id: string): Json | undefined;
  password(id: string): string | null | undefined;
  editInAlma(id: string, change: Json | ((u: Json) => void)): void;
  deleteUser(id: string): boolean;
  userCount(): number;
  setRemaining(n: number): void;
  remaining(): number;
  setPerSecond(n: number): void;
  setLatency(ms: number): void;
  storm(n: number): void;
  failNext(n: number, status?: number): void;
  dropNext(n: number): void;
  stats(): AlmaStats;
  resetStats(): void;
  requests(): RequestLogEntry[];
  sets(): AlmaSet[];
  set(id: string): AlmaSet | undefined;
  jobInstances(): Json[];
  completeJobs(): void;
  failUsersInJobs(ids: string[]): void;
  notifications(): Notification[];
  stop(): Promise<void>;
}

export async function startAlmaServer(options: AlmaServerOptions = {}): Promise<AlmaTestServer> {
  const apiKey = options.apiKey ?? 'test-api-key';
  const now = options.now ?? Date.now;
  const jobId = options.jobId ?? 'M148';
  let latency = options.latencyMs ?? 0;
  let apiBase = '';
  const governor = new Governor(options.perSecond ?? 25, options.dailyQuota ?? 1_000_000, now);
  const users = new UserStore(() => apiBase);
  const sets = new SetStore(users, now);
  const jobs = new JobEngine(users, sets, {
    jobId, now, institution: options.institution ?? '01TEST_INST',
    rolesWithParameters: new Set(options.rolesWithParameters ?? ['32', '51', '221']),
    stagePolls: options.jobStagePolls ?? 1,
  });
  const log: RequestLogEntry[] = [];
  const { server, port } = await listen({
    apiKey, governor, log, now, latencyMs: () => latency, base: () => apiBase,
    routes: [...userRoutes(users), ...setRoutes(sets), ...jobRoutes(jobs)],
  });
  const url = `http://127.0.0.1:${port}`;
  apiBase = `${url}/almaws/v1`;
  return {
    url, apiBase, port, apiKey, jobId,
    seedUsers: (list) => list.forEach((u) => users.seed(u)),
    user: (id) => {
      const s = users.find(id);
      return s ? structuredClone(s.user) : undefined;
    },
    password: (id) => users.find(id)?.password,
    editInAlma: (id, change) => users.editInAlma(id, change),
    deleteUser: (id) => users.remove(id),
    userCount: () => users.size(),
    setRemaining: (n) => void (governor.remaining = n),
    remaining: () => governor.remaining,
    setPerSecond: (n) => governor.setPerSecond(n),
    setLatency: (ms) => void (latency = ms),
    storm: (n) => governor.forceStorm(n),
    failNext: (n, status = 500) => governor.failNext(n, status),
    dropNext: (n) => governor.dropNext(n),
    stats: () => structuredClone(governor.stats),
    resetStats: () => {
      governor.stats = emptyStats();
      log.length = 0;
    },
    requests: () => [...log],
    sets: () => structuredClone([...sets.sets.values()]),
    set: (id) => structuredClone(sets.sets.get(id)),
    jobInstances: () => [...jobs.instances.values()].map((i) => jobs.view(i, apiBase)),
    completeJobs: () => jobs.completeAll(),
    failUsersInJobs: (ids) => ids.forEach((id) => jobs.failing.add(id)),
    notifications: () => structuredClone(jobs.notifications),
    stop: () => stop(server),
  };
}

function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
}
