import type { JobProgress, ProgressStep } from '../app/jobs/engine.js';
import type { Context } from './context.js';
import { estimate, formatCount, formatDuration, formatRate, keepSamples, type Sample } from './progress-rate.js';

/**
 * The progress of a long command on stderr: done / total, percent, rate, time left, and
 * what it does now. On a terminal, a spinner line redrawn as the work goes (--quiet hides
 * it); off a terminal, nothing unless --progress asks for a line every 10 seconds (a cron
 * job's mail stays quiet). Any long command can use it: startProgress, then update().
 */
export interface Progress {
  /**
   * `done` of `total` units are finished; `doing` says what happens now (a function: it is
   * called only when the line is drawn, not on every update of a tight loop).
   */
  update(done: number, total: number, doing?: Doing): void;
  /** A note shown first from now on (the first Ctrl-C's "stopping after..."). */
  note(text: string): void;
  /** Whether a person sees the line; when not, a note must be said another way (ctx.warn). */
  readonly shown: boolean;
  /** Clears the line; safe to call twice. */
  stop(): void;
}

export type Doing = string | (() => string) | undefined;

export interface ProgressOptions {
  /** What runs, e.g. "job 4w3rx8"; starts the line. */
  label: string;
  /** What is counted, plural: "users". */
  unit: string;
}

/** Off a terminal, one line per this many milliseconds at most. */
export const PIPED_INTERVAL_MS = 10_000;
/** On a terminal, redrawn at most this often from inside synchronous work (the spinner's own timer cannot run then). */
const REDRAW_MS = 100;

const HIDDEN: Progress = { update() {}, note() {}, shown: false, stop() {} };

export async function startProgress(ctx: Context, o: ProgressOptions): Promise<Progress> {
  const stderr = ctx.io.stderr as NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  const clock = ctx.io.clock ?? Date.now;
  const line = new ProgressText(o, clock);
  // A pseudo-terminal of zero columns (some CI runners) would make the spinner's redraw loop.
  const columns = stderr.columns ?? 0;
  if (stderr.isTTY && columns > 0) {
    return ctx.options.quiet && !ctx.options.progress ? HIDDEN : terminalProgress(stderr, line, columns, clock);
  }
  return ctx.options.progress ? pipedProgress(stderr, line, clock) : HIDDEN;
}

/** What the line says; the counts and rate kept between updates. */
class ProgressText {
  private samples: Sample[] = [];
  private done = 0;
  private total = 0;
  private doing: Doing;
  private noted: string | undefined;
  private started = false;

  constructor(private readonly o: ProgressOptions, private readonly clock: () => number) {}

  set(done: number, total: number, doing: Doing): void {
    this.started = true;
    this.done = done;
    this.total = total;
    this.doing = doing;
    // Most updates are steps inside a bulk: the count of finished units is the same.
    if (this.samples.at(-1)?.done !== done) this.samples = keepSamples(this.samples, { at: this.clock(), done });
  }

  note(text: string): void {
    this.noted = text;
  }

  text(): string {
    const parts: string[] = [];
    if (this.noted) parts.push(this.noted);
    if (!this.started) parts.push('starting');
    else if (this.total > 0) {
      const pct = Math.floor((this.done / this.total) * 100);
      parts.push(`${formatCount(this.done)} / ${formatCount(this.total)} ${this.o.unit} (${pct}%)`);
      const { rate, etaSeconds } = estimate(this.samples, this.total, this.clock());
      // A rate of 0 (nothing finished in the window) says less than the step shown after it.
      if (rate) parts.push(formatRate(rate, this.o.unit));
      if (etaSeconds !== undefined && this.done < this.total) parts.push(`ETA ${formatDuration(etaSeconds)}`);
    }
    const doing = typeof this.doing === 'function' ? this.doing() : this.doing;
    if (doing) parts.push(doing);
    return `${this.o.label}: ${parts.join(', ')}`;
  }
}

async function terminalProgress(stderr: NodeJS.WritableStream, line: ProgressText, columns: number, clock: () => number): Promise<Progress> {
  const { default: ora } = await import('ora');
  // One line that never wraps, even with the terminal's echo of ^C after it: a wrapped line
  // is cleared as one and leaves its first half on the screen.
  const room = columns - 6;
  const fit = (text: string) => (text.length <= room ? text : `${text.slice(0, room - 1)}…`);
  // discardStdin would put stdin in raw mode, where Ctrl-C no longer raises SIGINT.
  const spinner = ora({ stream: stderr, discardStdin: false, text: fit(line.text()) }).start();
  // The spinner's timer redraws while the event loop is free; this gives it the latest
  // counts (updates between two redraws only note them) and keeps the rate and ETA current
  // when no update comes (a stall lowers the rate).
  const refresh = setInterval(() => (spinner.text = fit(line.text())), REDRAW_MS).unref();
  let drawn = clock();
  let stopped = false;
  const redraw = () => {
    spinner.text = fit(line.text());
    drawn = clock();
    spinner.render();
  };
  return {
    shown: true,
    update(done, total, doing) {
      line.set(done, total, doing);
      if (clock() - drawn >= REDRAW_MS) redraw();
    },
    note(text) {
      line.note(text);
      redraw();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(refresh);
      spinner.stop();
    },
  };
}

function pipedProgress(stderr: NodeJS.WritableStream, line: ProgressText, clock: () => number): Progress {
  let last = clock();
  const tick = () => {
    const now = clock();
    if (now - last < PIPED_INTERVAL_MS) return;
    last = now;
    stderr.write(`${line.text()}\n`);
  };
  // A job that waits (a slow mail server) still says so every 10 seconds.
  const timer = setInterval(tick, PIPED_INTERVAL_MS).unref();
  return {
    shown: false,
    update(done, total, doing) {
      line.set(done, total, doing);
      tick();
    },
    note(text) {
      line.note(text);
    },
    stop() {
      clearInterval(timer);
    },
  };
}

/** A job's progress: its counts of users, and the step of the bulk in flight. */
export async function jobProgress(ctx: Context, jobId: string): Promise<Progress & { job(p: JobProgress): void }> {
  const progress = await startProgress(ctx, { label: `job ${jobId}`, unit: 'users' });
  return {
    ...progress,
    job(p) {
      const step = p.step;
      if (p.stage === 'Initialization') progress.update(0, 0, 'freezing the members');
      else progress.update(p.processed, p.total, step ? () => stepText(step) : p.stage === 'Finalization' ? 'finishing' : undefined);
    },
  };
}

function stepText(s: ProgressStep): string {
  const n = `${formatCount(s.done)} / ${formatCount(s.of)}`;
  switch (s.what) {
    case 'passwords':
      return `new passwords ${n}`;
    case 'users':
      return `this bulk ${n}`;
    case 'letters':
      return `letters sent ${n}`;
  }
}
