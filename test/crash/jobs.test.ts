import { describe, expect, it } from 'vitest';
import { makeSet, patrons, runJob } from '../helpers/jobs.js';
import { listedLetters, smtpStores } from '../helpers/smtp.js';
import { tempStores } from '../helpers/cli.js';
import { seedUsers } from '../helpers/seed.js';
import { auditOfJob, deliveries, doctorPasses, everyLetterOnce, finishJob, jobMoment, killAt, killPoint, newestJob, random, TRIALS, trialSeed } from './crash.js';

/**
 * kill -9 of a job with letters to a real SMTP server, of a job resetting passwords, and of
 * an undo, at seeded random points; then the next commands (resume, mail retry) finish the
 * work, and nothing is lost or done twice.
 */

const smtpStore = smtpStores();
const store = tempStores();

const trials = Array.from({ length: TRIALS }, (_, t) => t);

/** The users a job changed, as `users list --format json` shows them. */
async function listed(run: (args: string[]) => Promise<{ stdout: string }>): Promise<{ primary_id: string; status: string }[]> {
  return JSON.parse((await run(['users', 'list', '--format', 'json'])).stdout);
}

/**
 * n patrons in a set, with a real SMTP server; an update/notify job with `args` on them killed
 * at a seeded point (`runMs`: about how long it runs). Returns the store and the job.
 */
async function killedJob(flow: string, trial: number, n: number, args: string[], runMs: number) {
  const rand = random(trialSeed(flow, trial));
  const members = patrons(n);
  const s = await smtpStore(members);
  await makeSet(s, 'members', members.map((u) => u.primary_id));
  const { killed } = await killAt(s, ['job', 'run', 'update-notify', '--set', 'members', ...args], killPoint(rand, s.db, runMs), s.env);
  // The kill comes once the job is Running, or never: it is recorded either way.
  const job = newestJob(s.db, 'update-notify')!;
  expect(job).toBeDefined();
  return { s, members, job, killed };
}

describe('crash: a job with letters to a real SMTP server', () => {
  it.each(trials)('trial %i: every member changed once, every letter delivered, a duplicate only with its Message-ID', async (trial) => {
    const { s, members, job, killed } = await killedJob('job with letters', trial, 60, ['--status', 'inactive', '--notify', 'GENERAL_MESSAGE', '--bulk-size', '10'], 600);
    const done = await finishJob(s, job.id, s.env);
    // Letters left pending (or uncertain, with no secret) by the crash go with the next sender.
    const retry = await s.mail(['retry']);
    expect(retry.stderr).not.toMatch(/database is locked|^\s+at /m);

    await doctorPasses(s);
    expect(done.counters.changed).toBe(members.length);
    expect(auditOfJob(s.db, job.id)).toEqual({ rows: members.length, users: members.length });
    expect((await listed(s.run)).filter((u) => u.primary_id.startsWith('P') && u.status === 'INACTIVE')).toHaveLength(members.length);
    everyLetterOnce(s.smtp, members.map((u) => u.emails![0]!.address));
    expect(killed || done.status === 'Completed Successfully').toBe(true);
  });
});

describe('crash: a job that resets passwords and sends them', () => {
  it.each(trials)('trial %i: each password letter is delivered once, or reported for reissue, never twice', async (trial) => {
    // Each password costs an scrypt hash (~0.1 s): a few users, in bulks of three.
    const { s, members, job } = await killedJob('password letters', trial, 12, ['--notify', 'NOTIFY_PASSWORD_CHANGE', '--bulk-size', '3'], 1500);
    await finishJob(s, job.id, s.env);
    await s.mail(['retry']);

    await doctorPasses(s);
    expect(auditOfJob(s.db, job.id)).toEqual({ rows: members.length, users: members.length });
    const letters = await listedLetters(s.run, '--job', job.id);
    const received = deliveries(s.smtp, members.map((u) => u.emails![0]!.address));
    for (const u of members) {
      const n = received.get(u.emails![0]!.address)!.length;
      expect(n, `${u.primary_id} got ${n} password letters`).toBeLessThanOrEqual(1);
      if (n === 0) {
        // Not delivered: then reported, for a new password to be issued.
        expect(letters.filter((l) => l.primary_id === u.primary_id).map((l) => l.status), `${u.primary_id} got no letter and none is reported`).toContain('uncertain');
      }
    }
  });
});

describe('crash: job undo', () => {
  it.each(trials)('trial %i: every member reverted once, by the undo alone', async (trial) => {
    const rand = random(trialSeed('undo', trial));
    const s = await store();
    // Two bulks of an undo (2,000 users each).
    const members = patrons(2100);
    seedUsers(s.db, members);
    await makeSet(s, 'members', members.map((u) => u.primary_id));
    const original = await runJob(s, 'members', ['--status', 'inactive', '--add-statistic', 'RESEARCHER']);
    expect(original.json.status).toBe('Completed Successfully');

    await killAt(s, ['job', 'undo', original.json.id, '--yes'], jobMoment(rand, s.db, 'undo', 1200));
    const undo = newestJob(s.db, 'undo');
    expect(undo, 'the kill came before the undo was recorded').toBeDefined();
    const done = await finishJob(s, undo!.id);

    await doctorPasses(s);
    expect(done.counters.changed).toBe(members.length);
    expect(auditOfJob(s.db, undo!.id)).toEqual({ rows: members.length, users: members.length });
    expect((await listed(s.run)).filter((u) => u.status !== 'ACTIVE')).toEqual([]);
  });
});
