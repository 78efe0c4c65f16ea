import { CommanderError } from 'commander';
import { AlmaUsersError } from '../domain/errors.js';
import type { CommandResult } from './command.js';
import type { Io } from './context.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { visible } from './visible.js';
import { buildProgram } from './program.js';

/** The entry point: the only place that sets the process's exit code. */
export async function main(argv: string[]): Promise<void> {
  // The only colour is the progress spinner's, drawn by ora through chalk, which obeys
  // --no-color on the command line and FORCE_COLOR=0 but not NO_COLOR (no-color.org).
  if (process.env.NO_COLOR) process.env.FORCE_COLOR = '0';
  // `alma-users users export | head`: the reader has gone, so stop as `cat` would, quietly.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
  process.exitCode = await run(argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  });
}

/** Runs one command line and returns its exit code; typed errors become codes here. */
export async function run(args: string[], io: Io): Promise<ExitCode> {
  let result: CommandResult = {};
  const program = buildProgram(io, (r) => (result = r), run);
  try {
    await program.parseAsync(args, { from: 'user' });
    return result.exit ?? EXIT.ok;
  } catch (e) {
    return reportError(e, io);
  }
}

function reportError(e: unknown, io: Io): ExitCode {
  if (e instanceof CommanderError) {
    // Commander has already printed its message (and help, where asked for).
    return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  // Messages quote files and values; their control characters are shown, not obeyed.
  if (e instanceof AlmaUsersError) {
    io.stderr.write(`error: ${visible(e.message)}\n`);
    if (e.hint) io.stderr.write(`hint: ${visible(e.hint)}\n`);
    switch (e.kind) {
      case 'usage':
      case 'input':
      case 'not-found':
        return EXIT.usage;
      case 'permission':
        return EXIT.notPermitted;
      case 'conflict':
      case 'store':
        return EXIT.failure;
    }
  }
  const err = e instanceof Error ? e : new Error(String(e));
  io.stderr.write(`error: ${visible(err.message)}\n`);
  if (io.env.ALMA_USERS_DEBUG) io.stderr.write(`${err.stack}\n`);
  return EXIT.failure;
}
