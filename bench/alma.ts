import fs from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { startAlmaServer, type AlmaTestServer } from '../test/alma-server/index.js';
import { almaUser } from '../test/helpers/alma-user.js';
import { measureCli, type BenchContext, type BenchResult } from './harness.js';

/**
 * `alma push` against the Alma test server (test/alma-server) throttled to Alma's 25 calls
 * a second: 10,000 changed users by PUT (calls a second achieved as a ratio of the limit,
 * target at least 0.9 with no 429 of our own making; calls a user, target 2.0), and 100,000
 * users by Alma's own job (calls made, target under 150). The users are pulled (10,000) or
 * imported (100,000) with the server unthrottled first: only the push is measured.
 */

const LIMIT = 25;
const KEY = 'bench-alma-key';

async function writeNdjson(file: string, n: number): Promise<void> {
  const out = fs.createWriteStream(file);
  for (let i = 1; i <= n; i++) if (!out.write(JSON.stringify(almaUser(i)) + '\n')) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

/** A store with the server's users in it and a finished local job that changed them all; the job's id. */
async function prepared(ctx: BenchContext, alma: AlmaTestServer, name: string, n: number, how: 'pull' | 'import', actions: string[]): Promise<{ env: Record<string, string>; job: string }> {
  const db = path.join(ctx.dir, `alma-${name}.db`);
  const env = { ALMA_USERS_DB: db, ALMA_USERS_OPERATOR: 'bench-admin', ALMA_API_KEY: KEY };
  await measureCli(['init', '--admin', 'bench-admin'], env);
  await measureCli(['config', 'set', 'institution.code', '01EXAMPLE_INST'], env);
  alma.setPerSecond(100_000);
  await measureCli(['alma', 'config', '--url', alma.url, '--rate', '1000'], env);
  if (how === 'pull') {
    await measureCli(['--quiet', 'alma', 'pull', '--all'], env);
  } else {
    const file = path.join(ctx.dir, `alma-${name}.ndjson`);
    await writeNdjson(file, n);
    await measureCli(['--quiet', 'users', 'import', file, '--add-missing-codes'], env);
  }
  await measureCli(['--quiet', 'set', 'create', 'all', '--public', '--query', 'user_group = "UNDERGRAD"'], env);
  const run = await measureCli(['--quiet', '--format', 'json', 'job', 'run', 'update-notify', '--set', 'all', ...actions], env);
  alma.setPerSecond(LIMIT);
  await measureCli(['alma', 'config', '--rate', String(LIMIT)], env);
  return { env, job: (JSON.parse(run.stdout) as { id: string }).id };
}

export const suite = {
  name: 'alma',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    // The sizes; a smaller --users scales them down for a quick look.
    const PUT_USERS = Math.min(10_000, ctx.users);
    const JOB_USERS = Math.min(100_000, 10 * ctx.users);
    const results: BenchResult[] = [];
    const alma = await startAlmaServer({ apiKey: KEY, perSecond: LIMIT });
    try {
      alma.seedUsers(Array.from({ length: PUT_USERS }, (_, k) => almaUser(k + 1)));
      const put = await prepared(ctx, alma, 'put', PUT_USERS, 'pull', ['--user-group', 'GRAD', '--job-category', 'Systems']);
      ctx.log(`pulled ${PUT_USERS} users; pushing by PUT at ${LIMIT} calls a second`);
      alma.resetStats();
      const pushed = await measureCli(['--quiet', '--format', 'json', 'alma', 'push', put.job, '--method', 'put'], put.env);
      const s = alma.stats();
      const calls = s.admitted;
      const span = ((s.lastAdmittedAt ?? 0) - (s.firstAdmittedAt ?? 0)) / 1000;
      const perSecond = calls / span;
      const users = (JSON.parse(pushed.stdout) as { push: { users: { pushed: number } } }).push.users.pushed;
      results.push({
        name: `push by put of ${PUT_USERS.toLocaleString('en')} users: calls/s of the ${LIMIT}/s limit`,
        subject: { seconds: pushed.seconds, peakRssMb: pushed.peakRssMb, perSecond },
        baseline: { seconds: calls / LIMIT, peakRssMb: NaN, perSecond: LIMIT },
        ratio: perSecond / LIMIT,
        target: '>= 0.9, no 429 of our own',
        met: perSecond / LIMIT >= 0.9 && s.rateRejections === 0 && users === PUT_USERS,
        notes: `${calls} calls in ${span.toFixed(0)} s, ${users} users pushed, ${s.rateRejections} 429 PER_SECOND_THRESHOLD of our own rate, max ${s.maxArrivalsPerSecond} arrivals in a second`,
      });
      results.push({
        name: `push by put of ${PUT_USERS.toLocaleString('en')} users: calls per user`,
        subject: { seconds: pushed.seconds, peakRssMb: pushed.peakRssMb },
        baseline: { seconds: pushed.seconds, peakRssMb: NaN },
        ratio: calls / PUT_USERS,
        target: '2.0',
        met: calls / PUT_USERS <= 2.0,
        notes: `GET ${s.byRoute['GET /users/{id}'] ?? 0}, PUT ${s.byRoute['PUT /users/{id}'] ?? 0}`,
      });

      ctx.log(`put: ${JSON.stringify(results.map((r) => [r.name, r.ratio, r.notes]))}`);
      alma.seedUsers(Array.from({ length: JOB_USERS - PUT_USERS }, (_, k) => almaUser(PUT_USERS + k + 1)));
      const job = await prepared(ctx, alma, 'job', JOB_USERS, 'import', ['--user-group', 'GRAD', '--expiry-date', '2031-01-31']);
      ctx.log(`imported ${JOB_USERS} users; pushing by Alma's job`);
      alma.resetStats();
      const byJob = await measureCli(['--quiet', '--format', 'json', 'alma', 'push', job.job, '--method', 'job'], job.env);
      const j = alma.stats();
      const done = (JSON.parse(byJob.stdout) as { push: { users: { pushed: number } } }).push.users.pushed;
      results.push({
        name: `push by job of ${JOB_USERS.toLocaleString('en')} users: calls made`,
        subject: { seconds: byJob.seconds, peakRssMb: byJob.peakRssMb },
        baseline: { seconds: (2 * JOB_USERS) / LIMIT, peakRssMb: NaN },
        ratio: j.admitted,
        target: '< 150',
        met: j.admitted < 150 && done === JOB_USERS,
        notes: `${done} users pushed; by PUT it would be ${2 * JOB_USERS} calls (${((2 * JOB_USERS) / LIMIT / 3600).toFixed(1)} h at ${LIMIT}/s); ${JSON.stringify(j.byRoute)}`,
      });
    } finally {
      await alma.stop();
    }
    return results;
  },
};
