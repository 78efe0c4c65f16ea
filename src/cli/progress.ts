import type { JobProgress } from '../app/jobs/engine.js';
import type { Context } from './context.js';

/**
 * A job's progress on stderr: processed / total, percent and users per second, as an ora
 * spinner. Only when stderr is a terminal and --quiet is off: a cron log gets no spinner.
 */
export interface ProgressView {
  update(p: JobProgress): void;
  stop(): void;
}

const NONE: ProgressView = { update() {}, stop() {} };

export async function jobProgress(ctx: Context, label: string): Promise<ProgressView> {
  // A pseudo-terminal of zero columns (some CI runners) would make the spinner's redraw loop.
  const columns = (ctx.io.stderr as { columns?: number }).columns ?? 0;
  if (!ctx.io.stderr.isTTY || ctx.options.quiet || columns <= 0) return NONE;
  const { default: ora } = await import('ora');
  // discardStdin would put stdin in raw mode, where Ctrl-C no longer raises SIGINT.
  const spinner = ora({ stream: ctx.io.stderr as NodeJS.WritableStream, discardStdin: false, text: `${label}: starting` }).start();
  let start: { at: number; processed: number } | undefined;
  const fmt = new Intl.NumberFormat('en');
  return {
    update(p) {
      if (p.stage !== 'Processing') {
        spinner.text = `${label}: ${p.stage}`;
        return;
      }
      const now = Date.now();
      start ??= { at: now, processed: p.processed };
      const seconds = (now - start.at) / 1000;
      const rate = seconds > 0 ? (p.processed - start.processed) / seconds : 0;
      const pct = p.total ? Math.floor((p.processed / p.total) * 100) : 100;
      spinner.text = `${label}: ${fmt.format(p.processed)} / ${fmt.format(p.total)} users (${pct}%)${rate ? `, ${fmt.format(Math.round(rate))} users/s` : ''}`;
    },
    stop() {
      spinner.stop();
    },
  };
}
