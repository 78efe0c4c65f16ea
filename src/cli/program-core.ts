import { Command, InvalidArgumentError, Option } from 'commander';
import { packageVersion } from '../app/package-files.js';
import type { Bind, CommandGroup, CommandResult } from './command.js';
import type { GlobalOptions, Io, Runner } from './context.js';
import { FORMATS } from './formats.js';
import { visible } from './visible.js';

/**
 * Builds the program of these command groups (program.ts: all of them; groups.ts: the one
 * a command line names). `onResult` receives each command's result; main.ts owns the exit
 * code. `runner` is main.ts's `run`, handed to the commands that run others (the demo), so
 * that no command module imports main.ts.
 */
export function programWith(io: Io, onResult: (r: CommandResult) => void, runner: Runner, groups: readonly CommandGroup[]): Command {
  const program = new Command('alma-users')
    .description('Bulk library-user administration in the model of Ex Libris Alma: users, sets, update/notify jobs, letters.')
    .version(packageVersion())
    .addOption(new Option('--db <path>', 'the store (SQLite file); env ALMA_USERS_DB').argParser(notEmpty))
    .addOption(new Option('--operator <id>', 'the staff user who acts; env ALMA_USERS_OPERATOR').argParser(notEmpty))
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS))
    .option('-q, --quiet', 'no messages on stderr except warnings and errors')
    .option('--no-color', 'no colour (also when NO_COLOR is set or stdout is not a terminal)')
    .option('--progress', 'progress of long commands on stderr even off a terminal: a line every 10 seconds')
    .option('--utc', 'times in tables in UTC rather than the local time zone')
    // Every command's help lists the global options it accepts (settings are inherited by
    // the commands added below); `help` is the command at the end, which goes to any depth.
    .configureHelp({ showGlobalOptions: true })
    .helpCommand(false)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      // Commander's messages quote the command line; its control characters are shown, not obeyed.
      writeErr: (s) => io.stderr.write(visible(s)),
    });

  const bind: Bind = (handler) => async (...commanderArgs) => {
    const command = commanderArgs[commanderArgs.length - 1] as Command;
    const opts = commanderArgs[commanderArgs.length - 2] as Record<string, unknown>;
    // An optional argument left out arrives as undefined; optional arguments come last, so
    // dropping them keeps the positions of the others.
    const args = commanderArgs.slice(0, -2).flat().filter((a) => a !== undefined).map(String);
    const globals = command.optsWithGlobals<GlobalOptions>();
    // Loaded here, not at the top: `alma-users --version` and `--help` need neither the
    // store nor the output helpers, and start-up time is paid on every cron invocation.
    const [{ Context }, { render }] = await Promise.all([import('./context.js'), import('./output.js')]);
    const ctx = new Context(globals, io, runner);
    try {
      const result = await handler(ctx, args, opts);
      if (result.output && !render(result.output, ctx.format, io.stdout, { utc: globals.utc }) && result.output.kind === 'list') {
        ctx.info(result.output.empty ?? 'nothing to list');
      }
      onResult(result);
    } finally {
      ctx.close();
    }
  };

  for (const group of groups) group.register(program, bind);
  program
    .command('help [command...]')
    .description('display help for a command at any depth: alma-users help job run')
    .action((words: string[]) => {
      let command = program;
      for (const word of words) {
        const sub = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
        if (!sub) command.error(`error: unknown command '${visible(words.join(' '))}'`, { code: 'commander.unknownCommand' });
        command = sub!;
      }
      command.help();
    });
  return program;
}

/**
 * `--db "$STORE"` with the variable unset must not quietly fall back to ALMA_USERS_DB or the
 * default store (nor `--operator ""` to ALMA_USERS_OPERATOR): a cron script would act on the wrong one.
 */
function notEmpty(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('it is empty (an unset shell variable?): give a value, or leave the option out to use the environment');
  return value;
}
