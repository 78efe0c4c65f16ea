import type { CommanderError } from 'commander';
import { AlmaUsersError } from '../domain/errors.js';
import type { CommandGroup, CommandResult } from './command.js';
import type { Io } from './context.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { visible } from './visible.js';
import { completionGroup, groupOf } from './groups.js';

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
  const io: Io = {
    stdout: process.stdout,
    stderr: process.stderr,
    // Node builds process.stdin on first use (a stream, a few milliseconds of start-up): only
    // the commands that read it or ask a question pay for it.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
  };
  // An error thrown outside the command's own flow (a stream's event, a timer) is still
  // a message with a hint and an exit code, not Node's dump of the stack.
  const fatal = (e: unknown) => void reportError(e, io).then((code) => process.exit(code));
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  process.exitCode = await run(argv.slice(2), io);
}

/** Runs one command line and returns its exit code; typed errors become codes here. */
export async function run(args: string[], io: Io): Promise<ExitCode> {
  let result: CommandResult = {};
  const onResult = (r: CommandResult) => (result = r);
  try {
    // The version is asked for by scripts and cron jobs: answered before any command is loaded.
    if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
      io.stdout.write(`${(await import('../app/package-files.js')).packageVersion()}\n`);
      return EXIT.ok;
    }
    // A line that names a group loads that group alone (groups.ts); others, the whole program.
    const programOf = async (own: CommandGroup | undefined) =>
      own ? (await import('./program-core.js')).programWith(io, onResult, run, [own]) : (await import('./program.js')).buildProgram(io, onResult, run);
    // A Tab press of the completion scripts: answered from the definitions, no command runs.
    if (args[0] === '__complete') {
      const words = args.slice(args[1] === '--' ? 2 : 1);
      const [{ complete }, program] = await Promise.all([import('./commands/complete.js'), completionGroup(words).then(programOf)]);
      await complete(program, words, io);
      return EXIT.ok;
    }
    const program = await programOf(await groupOf(args));
    await program.parseAsync(args, { from: 'user' });
    return result.exit ?? EXIT.ok;
  } catch (e) {
    return reportError(e, io);
  }
}

/**
 * What a library's failure means, from the session's table; undefined when unknown. A
 * build that cannot load that table (a broken install) must not turn reporting an error into
 * another error, which main's last-resort handlers would report again without end.
 */
async function libraryFailure(e: unknown): Promise<AlmaUsersError | undefined> {
  try {
    return (await import('../app/session.js')).libraryFailure(e);
  } catch {
    return undefined;
  }
}

/** The stack of an error is for whoever debugs alma-users: shown only with ALMA_USERS_DEBUG=1. */
function debugging(io: Io): boolean {
  return io.env.ALMA_USERS_DEBUG === '1';
}

/**
 * The error as commander's, when commander threw it. Commander is loaded by a line that
 * builds a program, so not for --version (about 15 ms of its start-up); as with
 * libraryFailure, a broken install must not turn reporting an error into another error.
 */
async function commanderError(e: unknown): Promise<CommanderError | undefined> {
  try {
    return e instanceof (await import('commander')).CommanderError ? e : undefined;
  } catch {
    return undefined;
  }
}

async function reportError(e: unknown, io: Io): Promise<ExitCode> {
  const commander = await commanderError(e);
  if (commander) {
    // Commander has already printed its message (and help, where asked for).
    return commander.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  // A library's own failure (SQLite, the file system) becomes the typed error it means.
  // Loaded only here: --help and --version never load the store.
  const typed = e instanceof AlmaUsersError ? e : await libraryFailure(e);
  if (typed && debugging(io) && e instanceof Error) io.stderr.write(`${e.stack}\n`);
  // Messages quote files and values; their control characters are shown, not obeyed.
  if (typed) {
    io.stderr.write(`error: ${visible(typed.message)}\n`);
    if (typed.hint) io.stderr.write(`hint: ${visible(typed.hint)}\n`);
    switch (typed.kind) {
      case 'usage':
      case 'input':
      case 'not-found':
        return EXIT.usage;
      case 'permission':
        return EXIT.notPermitted;
      case 'conflict':
      case 'store':
      case 'environment':
        return EXIT.failure;
    }
  }
  const err = e instanceof Error ? e : new Error(String(e));
  io.stderr.write(`error: ${visible(err.message)}\n`);
  if (debugging(io)) io.stderr.write(`${err.stack}\n`);
  else io.stderr.write('hint: an unexpected failure; run the command again with ALMA_USERS_DEBUG=1 to see where it happened, and report it\n');
  return EXIT.failure;
}
