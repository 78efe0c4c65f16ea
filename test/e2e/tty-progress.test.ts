import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { ptyStart, type PtySession } from '../helpers/pty.js';
import { patrons, storesWithSet, type JobJson, type Store } from '../helpers/jobs.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

/**
 * A job on a terminal, as a person runs it (the built CLI on a pseudo-terminal; `npm run
 * build` first): the progress line moves and says how far, how fast and how long; the first
 * Ctrl-C stops after the bulk in flight; a second one stops now and the job says so.
 */

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const withSet = storesWithSet();
const store = (n: number): Promise<Store> => withSet(patrons(n));

function startJob(s: Store, args: string[], env: Record<string, string> = {}): PtySession {
  const p = ptyStart(['job', 'run', 'update-notify', '--set', 'members', '--yes', ...args], {
    cols: 120,
    env: { ALMA_USERS_DB: s.db, ALMA_USERS_OPERATOR: 'admin', ...env },
  });
  cleanups.push(async () => {
    p.kill('SIGKILL');
    await p.exited;
  });
  return p;
}

/** The progress lines drawn so far, each frame once (the spinner's braille frame splits them). */
function progressLines(p: PtySession): string[] {
  return p.output().split(/[\u2800-\u28ff]/).map((l) => l.trim()).filter((l) => /^job \w+: .*\/ [\d,]+ users/.test(l));
}

/** Resolves with the first progress line drawn after `since` lines that differs from `than`; rejects after timeoutMs. */
async function nextDifferentLine(p: PtySession, since: number, than: string, timeoutMs: number): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const changed = progressLines(p).slice(since).find((l) => l !== than);
    if (changed) return changed;
    if (Date.now() > until) throw new Error(`the progress line stayed "${than}" for ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function jobJson(s: Store, args: string[]): Promise<JobJson> {
  const r = await s.run(['--format', 'json', 'job', ...args]);
  expect(r.code, r.stderr).toBeLessThanOrEqual(3);
  return JSON.parse(r.stdout) as JobJson;
}

const STOPPING = 'stopping after the bulk in flight (Ctrl-C again to stop now)';

describe('a job on a terminal', () => {
  it('its progress line moves, with the total, the rate and the time left; the first Ctrl-C stops it after the bulk in flight, resumable', async () => {
    // The pace comes from a relay that takes 40 ms to accept each letter (20 letters a bulk,
    // 5 connections: at least 160 ms a bulk, 3 s in all), not from how fast this machine is:
    // on a quiet machine 400 users with .eml letters finish before a rate can be shown.
    const smtp: TestSmtp = await startSmtp();
    cleanups.push(() => smtp.close());
    smtp.slowAck(40);
    const s = await store(400);
    expect((await s.run(['config', 'set', 'institution.email', 'library@example.edu'])).code).toBe(0);
    const p = startJob(s, ['--add-role', 'license-viewer', '--notify', 'GENERAL_MESSAGE', '--bulk-size', '20'], { ALMA_USERS_SMTP_URL: smtp.url });
    await p.waitFor(/\/ 400 users \(\d+%\), [\d.,]+ users\/(s|min), ETA \d/, 30_000);

    // Letters are sent one by one: the line changes within a couple of seconds, again and again.
    for (let i = 0; i < 3; i++) {
      const lines = progressLines(p);
      await nextDifferentLine(p, lines.length, lines.at(-1)!, 2500);
    }
    const before = Number(/([\d,]+) \/ 400 users/.exec(progressLines(p).at(-1)!)![1]!.replace(/,/g, ''));

    p.write('\x03');
    await p.waitFor(STOPPING);
    const r = await p.exited;
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/job \w+: Aborted by User/);

    const id = /job (\w+) submitted/.exec(r.output)![1]!;
    const stopped = await jobJson(s, ['show', id]);
    expect(stopped.status).toBe('Aborted by User');
    expect(stopped.processed).toBeGreaterThanOrEqual(before);
    expect(stopped.processed).toBeLessThan(400);
    // The bulk in flight was finished (committed whole), letters included.
    expect(stopped.counters).toMatchObject({ changed: stopped.processed, letters_queued: stopped.processed, letters_sent: stopped.processed });

    const resumed = await jobJson(s, ['resume', id]);
    expect(resumed).toMatchObject({ status: 'Completed Successfully', processed: 400 });
    // No bulk applied twice: a second time would find the role there (unchanged) and queue a second letter.
    expect(resumed.counters).toMatchObject({ processed: 400, changed: 400, unchanged: 0, letters_queued: 400, letters_sent: 400 });
  }, 90_000);

  it('a second Ctrl-C stops the process now, while a letter waits for the server; the job is Aborted by User, and resume finishes it with no bulk applied twice', async () => {
    const smtp: TestSmtp = await startSmtp();
    cleanups.push(() => smtp.close());
    const s = await store(60);
    expect((await s.run(['config', 'set', 'institution.email', 'library@example.edu'])).code).toBe(0);
    smtp.hold();
    const p = startJob(s, ['--add-role', 'license-viewer', '--notify', 'GENERAL_MESSAGE', '--bulk-size', '20'], { ALMA_USERS_SMTP_URL: smtp.url });
    // The first bulk is written; its letters wait for a server that does not answer.
    await p.waitFor(/20 \/ 60 users \(33%\).*letters sent 0 \/ 20/, 30_000);

    p.write('\x03');
    await p.waitFor(STOPPING);
    // The job would wait for the server as long as it holds: only the second Ctrl-C ends it.
    p.write('\x03');
    const r = await p.exited;
    expect(r.code).toBeNull();
    expect(r.signal).toBe(os.constants.signals.SIGINT);
    expect(r.output).toMatch(/SIGINT again: job \w+ stopped now, Aborted by User/);

    const id = /job (\w+) submitted/.exec(r.output)![1]!;
    const shown = await s.run(['job', 'show', id]);
    // Recorded by the process as it ended, not found later as a dead one's (Aborted by System).
    expect(shown.stderr).not.toContain('left running by a process that is gone');
    const stopped = await jobJson(s, ['show', id]);
    expect(stopped).toMatchObject({ status: 'Aborted by User', processed: 20, total: 60 });
    expect(shown.stdout).toContain('stopped at once by a second SIGINT');

    smtp.release();
    const resumed = await jobJson(s, ['resume', id]);
    expect(resumed.status).toMatch(/^Completed/);
    expect(resumed.counters).toMatchObject({ processed: 60, changed: 60, unchanged: 0, letters_queued: 60 });
  }, 90_000);
});
