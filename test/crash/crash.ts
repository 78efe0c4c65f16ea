import { expect } from 'vitest';
import { spawnCli, type CliResult } from '../helpers/cli.js';
import type { Store } from '../helpers/jobs.js';
import { query } from '../helpers/seed.js';
import type { TestSmtp } from '../helpers/smtp.js';

/**
 * The crash suite's frame: kill -9 of the built CLI at seeded random points, and the checks
 * every trial ends with. The seed is printed with each trial (CRASH_SEED=N replays a run);
 * CRASH_TRIALS=N sets the trials per flow (`npm run crash -- --trials N` for a soak run).
 */

export const TRIALS = Math.max(1, Number(process.env.CRASH_TRIALS) || 2);
export const SEED = Number(process.env.CRASH_SEED) || Math.floor(Math.random() * 2 ** 31);

/** A small seeded generator (mulberry32): the same seed gives the same kill points. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of one trial of one flow, printed so that a failure can be replayed. */
export function trialSeed(flow: string, trial: number): number {
  let h = SEED;
  for (const c of `${flow}#${trial}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  process.stdout.write(`crash suite: ${flow} trial ${trial + 1}/${TRIALS}, seed ${SEED} (replay: CRASH_SEED=${SEED})\n`);
  return h;
}

/** When a trial kills: `afterMs` after `ready()` first holds; `what` says it in the trial's line. */
export interface KillPoint {
  ready: () => boolean;
  afterMs: number;
  what: string;
}

/** `afterMs` drawn from [0, runMs) after the process starts. */
export function anyMoment(rand: () => number, runMs: number): KillPoint {
  const afterMs = Math.floor(rand() * runMs);
  return { ready: () => true, afterMs, what: `${afterMs} ms after the start` };
}

/**
 * Runs `args` as a real process and kills it (SIGKILL) at `at` (ready() polled every few
 * ms), or lets it finish if it ends before; prints which. Says whether it was killed.
 */
export async function killAt(s: Store, args: string[], at: KillPoint, env: Record<string, string> = {}): Promise<{ killed: boolean; result: CliResult }> {
  const { child, done } = spawnCli(args, { env: { ALMA_USERS_DB: s.db, ALMA_USERS_OPERATOR: 'admin', ...env } });
  let ended = false;
  void done.then(() => (ended = true));
  const deadline = Date.now() + 30_000;
  while (!ended && !safely(at.ready) && Date.now() < deadline) await sleep(3);
  if (!ended) await sleep(at.afterMs);
  const killed = !ended && child.kill('SIGKILL');
  process.stdout.write(`  ${args.slice(0, 2).join(' ')} killed ${killed ? at.what : 'never: it ended first'}\n`);
  return { killed, result: await done };
}

function safely(test: () => boolean): boolean {
  try {
    return test();
  } catch {
    // the store is being created or migrated: not yet
    return false;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The newest job of a type, as the store holds it (what `job list` shows, without spawning a command to poll). */
export function newestJob(db: string, type: string): { id: string; status: string; processed: number } | undefined {
  return query<{ id: string; status: string; processed: number }>(db, 'SELECT id, status, processed FROM jobs WHERE type = ? ORDER BY submitted_at DESC, rowid DESC LIMIT 1', type)[0];
}

/** Whether a letter is with the SMTP server right now (taken by a connection, its outcome unknown). */
export function letterInFlight(db: string): boolean {
  return query<{ n: number }>(db, "SELECT count(*) AS n FROM outbox WHERE status = 'sending'")[0]!.n > 0;
}

/**
 * Where a trial kills a job: at a random moment of its run, or the moment a letter is with
 * the SMTP server (a rare instant that a uniform draw would almost never hit).
 */
export function killPoint(rand: () => number, db: string, runMs: number): KillPoint {
  if (rand() < 0.5) return { ready: () => letterInFlight(db), afterMs: Math.floor(rand() * 5), what: 'while a letter is with the server' };
  return jobMoment(rand, db, 'update-notify', runMs);
}

/** `afterMs` drawn from [0, runMs) after the newest job of `type` is Running. */
export function jobMoment(rand: () => number, db: string, type: string, runMs: number): KillPoint {
  const afterMs = Math.floor(rand() * runMs);
  return { ready: () => newestJob(db, type)?.status === 'Running', afterMs, what: `${afterMs} ms into the ${type} job` };
}

/** A job as `job show --format json` gives it. */
export async function shownJob(s: Store, id: string): Promise<{ id: string; status: string; counters: Record<string, number>; issues: { code: string; message: string; users: number }[] }> {
  const r = await s.run(['job', 'show', id, '--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** After a crash: the next command finds the dead job, and `job resume` finishes it. Returns the job's final state. */
export async function finishJob(s: Store, id: string, env: Record<string, string> = {}): Promise<Awaited<ReturnType<typeof shownJob>>> {
  let job = await shownJob(s, id);
  if (['Aborted by System', 'Aborted by User', 'Failed'].includes(job.status)) {
    const resumed = await s.run(['job', 'resume', id], { env });
    expect(resumed.stderr).not.toMatch(/database is locked|^\s+at /m);
    expect([0, 3], resumed.stderr).toContain(resumed.code);
    job = await shownJob(s, id);
  }
  expect(job.status).toMatch(/^Completed/);
  return job;
}

/** `doctor` passes: integrity, foreign keys, schema. */
export async function doctorPasses(s: Store): Promise<void> {
  const r = await s.run(['doctor', '--format', 'json']);
  const checks = (JSON.parse(r.stdout) as { checks: { name: string; ok: boolean; detail: string }[] }).checks;
  expect(checks.filter((c) => !c.ok && c.name !== 'file permissions')).toEqual([]);
}

/**
 * The audit trail of a job (what no command lists as a whole): one row per user it changed,
 * as many as its `changed` counter; every member changed once.
 */
export function auditOfJob(db: string, jobId: string): { rows: number; users: number } {
  return query<{ rows: number; users: number }>(db, 'SELECT count(*) AS rows, count(DISTINCT user_id) AS users FROM audit WHERE job_id = ?', jobId)[0]!;
}

/** The letters the server received for each of these addresses, by Message-ID. */
export function deliveries(smtp: TestSmtp, addresses: string[]): Map<string, string[]> {
  const by = new Map(addresses.map((a) => [a.toLowerCase(), [] as string[]]));
  for (const m of smtp.messages) {
    for (const to of m.to) by.get(to.toLowerCase())?.push(m.parsed.messageId ?? '');
  }
  return by;
}

/** Every letter without a secret arrived, with at most one duplicate carrying the same Message-ID. */
export function everyLetterOnce(smtp: TestSmtp, addresses: string[]): void {
  for (const [address, ids] of deliveries(smtp, addresses)) {
    expect(ids.length, `${address} received ${ids.length} letters`).toBeGreaterThanOrEqual(1);
    expect(ids.length, `${address} received ${ids.length} letters`).toBeLessThanOrEqual(2);
    expect(new Set(ids).size, `${address}: a duplicate with another Message-ID`).toBe(1);
  }
}
