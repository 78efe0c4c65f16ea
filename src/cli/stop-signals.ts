/** Two-step Ctrl-C for a long command: stop at a safe point, or stop now. */
export interface StopSignals {
  /** Aborted by the first SIGINT or SIGTERM: the work stops at its next safe point. */
  signal: AbortSignal;
  dispose(): void;
}

export interface StopHandlers {
  /** The first signal: say that the work stops at its next safe point, and how to stop now. */
  onFirst(sig: NodeJS.Signals): void;
  /**
   * The second signal: record synchronously what must not be left behind (better-sqlite3
   * is synchronous, so the write is done before the process ends). An error here does not
   * keep the process alive.
   */
  onSecond(sig: NodeJS.Signals): void;
}

/**
 * The first SIGINT or SIGTERM aborts `signal` and calls onFirst; the second calls onSecond,
 * then ends the process by that same signal with its default handling (the shell sees a
 * process killed by SIGINT, exit status 130), never by process.exit deep in the code.
 */
export function stopOnSignals(handlers: StopHandlers): StopSignals {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      controller.abort();
      handlers.onFirst(sig);
      return;
    }
    try {
      handlers.onSecond(sig);
    } finally {
      dispose();
      process.kill(process.pid, sig);
    }
  };
  const dispose = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { signal: controller.signal, dispose };
}
