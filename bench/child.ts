import type { ChildProcess } from 'node:child_process';

/** What a finished child process said and how it ended. */
export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Collects a spawned process's stdout and stderr as text until it closes: the one way the
 * bench (bench/harness.ts) and the tests (test/helpers/cli.ts spawnCli) read a child.
 */
export function collect(child: ChildProcess): Promise<ChildResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise<ChildResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
