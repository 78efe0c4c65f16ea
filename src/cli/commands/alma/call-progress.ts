import type { Context } from '../../context.js';
import { startProgress, type Progress } from '../../progress.js';

/** Progress of a pull or push: users done of the total (rate and ETA), with the API calls and calls a second. */
export async function callProgress(ctx: Context, label: string): Promise<{ update: (done: number, total: number, calls: number) => void; progress: Progress }> {
  const progress = await startProgress(ctx, { label, unit: 'users' });
  const clock = ctx.io.clock ?? Date.now;
  const started = clock();
  return {
    progress,
    update(done, total, calls) {
      progress.update(done, total, () => {
        const seconds = Math.max(0.001, (clock() - started) / 1000);
        return `${calls} API calls, ${(calls / seconds).toFixed(1)} calls/s`;
      });
    },
  };
}
