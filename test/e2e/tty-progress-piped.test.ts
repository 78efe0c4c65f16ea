import os from 'node:os';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { Capture, ROOT } from '../helpers/cli.js';
import { patrons, storeWithSet, type Store } from '../helpers/jobs.js';

/**
 * Progress off a terminal (cron, a pipe): nothing unless --progress asks for it, then a line
 * on stderr at most every 10 seconds. Time is a fake clock handed to the command (Io.clock)
 * that moves a second each time it is read, so a job of a fraction of a second spans minutes.
 */

const stores: Store[] = [];
afterEach(() => {
  while (stores.length) stores.pop()!.cleanup();
});

async function store(n: number): Promise<Store> {
  const s = await storeWithSet(patrons(n));
  stores.push(s);
  return s;
}

/** A stderr that notes the fake time of each line written to it. */
class TimedCapture extends Capture {
  lines: { at: number; text: string }[] = [];
  constructor(private readonly time: () => number) {
    super(false);
  }
  override write(chunk: string): boolean {
    for (const text of chunk.split('\n').filter(Boolean)) this.lines.push({ at: this.time(), text });
    return super.write(chunk);
  }
}

async function runJob(s: Store, args: string[]): Promise<{ code: number; stdout: string; lines: { at: number; text: string }[] }> {
  let now = Date.parse('2026-03-15T02:00:00Z');
  const clock = () => (now += 1000);
  const stdout = new Capture(false);
  const stderr = new TimedCapture(() => now);
  const stdin = Object.assign(Readable.from(['']), { isTTY: false });
  const env = { HOME: os.tmpdir(), TZ: process.env.TZ, ALMA_USERS_DB: s.db, ALMA_USERS_OPERATOR: 'admin' };
  const code = await run(args, { stdout, stderr, stdin, env, cwd: ROOT, clock });
  return { code, stdout: stdout.text, lines: stderr.lines };
}

const JOB = ['--format', 'json', 'job', 'run', 'update-notify', '--set', 'members', '--add-role', 'license-viewer', '--bulk-size', '10'];
const PROGRESS_LINE = /^job \w+: ([\d,]+) \/ 300 users \(\d+%\)/;

describe('progress off a terminal', () => {
  it('--progress: a line on stderr at most every 10 seconds, with the counts, the rate and the time left; stdout stays the report', async () => {
    const s = await store(300);
    const r = await runJob(s, ['--progress', ...JOB]);
    expect(r.code, r.lines.map((l) => l.text).join('\n')).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'Completed Successfully', processed: 300 });
    const progress = r.lines.filter((l) => PROGRESS_LINE.test(l.text));
    // 30 bulks of 10 users, each read of the clock a second: many lines' worth of time.
    expect(progress.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.at - progress[i - 1]!.at).toBeGreaterThanOrEqual(10_000);
    const counts = progress.map((l) => Number(PROGRESS_LINE.exec(l.text)![1]!.replace(/,/g, '')));
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBeGreaterThan(counts[0]!);
    // Once a bulk is done, every line until the end says how fast and how long.
    const underway = progress.filter((l) => !/^job \w+: (0|300) \//.test(l.text));
    expect(underway.length).toBeGreaterThanOrEqual(5);
    for (const l of underway) expect(l.text).toMatch(/, [\d.,]+ users\/(s|min), ETA (\d+h )?(\d+m )?\d+[sm]\b/);
    // Plain lines for a log: no carriage return, no escape sequence.
    expect(progress.every((l) => !/[\r\x1b]/.test(l.text))).toBe(true);
  });

  it('without --progress nothing but the job\'s own messages reaches stderr', async () => {
    const s = await store(300);
    const r = await runJob(s, JOB);
    expect(r.code, r.lines.map((l) => l.text).join('\n')).toBe(0);
    const said = r.lines.map((l) => l.text);
    expect(said).toContainEqual(expect.stringMatching(/^job \w+: Completed Successfully$/));
    expect(said.filter((l) => /users \(\d+%\)|users\/(s|min)|ETA/.test(l))).toEqual([]);
  });
});
