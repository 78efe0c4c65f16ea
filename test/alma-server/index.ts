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
 * - sets, jobs: see sets.ts and jobs.ts.
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
 *   alma.stop()
 */
import type { Server } from 'node:http';
import { emptyStats, Governor, type AlmaStats } from './governor.js';
import type { Json } from './http.js';
import { userRoutes } from './routes-users.js';
import { listen, type RequestLogEntry } from './server.js';
import { UserStore } from './users.js';

export type { AlmaStats } from './governor.js';
export type { RequestLogEntry } from './server.js';
export type { Json } from './http.js';

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
  const log: RequestLogEntry[] = [];
  const { server, port } = await listen({
    apiKey, governor, log, now, latencyMs: () => latency, base: () => apiBase,
    routes: [...userRoutes(users)],
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
    stop: () => stop(server),
  };
}

function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
}
