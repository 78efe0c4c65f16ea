import type { CommandGroup } from './command.js';

/**
 * The command group a command line names, loaded alone: `alma-users job list` loads the job
 * commands, not the hundred modules of every group (start-up is paid on every cron run).
 * A line that names no group here (help, --help, a typo, __complete, which reads the whole
 * program) gets the whole program from program.ts, whose GROUPS stay the registry; a unit
 * test keeps this table in step with it.
 */
export const GROUP_LOADERS: Readonly<Record<string, () => Promise<CommandGroup>>> = {
  init: async () => (await import('./commands/init.js')).initCommand,
  doctor: async () => (await import('./commands/doctor.js')).doctorCommand,
  users: async () => (await import('./commands/users/index.js')).usersCommands,
  set: async () => (await import('./commands/set/index.js')).setsCommands,
  job: async () => (await import('./commands/job/index.js')).jobsCommands,
  codes: async () => (await import('./commands/codes/index.js')).codesCommands,
  letters: async () => (await import('./commands/letters/index.js')).lettersCommands,
  mail: async () => (await import('./commands/mail/index.js')).mailCommands,
  config: async () => (await import('./commands/config/index.js')).configCommands,
  alma: async () => (await import('./commands/alma/index.js')).almaCommands,
  demo: async () => (await import('./commands/demo.js')).demoCommand,
  completion: async () => (await import('./commands/completion.js')).completionCommand,
};

/** The global options that take a value as the next word (program-core.ts defines them). */
const VALUED = new Set(['--db', '--operator', '--format']);

/** Asked before the command word, these are about the whole program. */
const WHOLE = new Set(['-h', '--help', '-V', '--version']);

/** The command word of a line: the first word that is neither a global option nor its value. */
export function commandWord(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (WHOLE.has(a) || a === '--') return undefined;
    if (!a.startsWith('-')) return a;
    if (VALUED.has(a)) i++;
  }
  return undefined;
}

/** The one group this line runs a command of, or undefined when it needs the whole program. */
export async function groupOf(args: readonly string[]): Promise<CommandGroup | undefined> {
  const word = commandWord(args);
  return word !== undefined && Object.hasOwn(GROUP_LOADERS, word) ? GROUP_LOADERS[word]!() : undefined;
}

/**
 * The group a Tab press needs (`__complete -- WORDS...`), or undefined for the whole program:
 * once the line's group word is typed and followed by another word (`set show <Tab>`, the
 * common case), that group suffices; the command word itself is completed from the whole
 * program, which knows every group.
 */
export async function completionGroup(words: readonly string[]): Promise<CommandGroup | undefined> {
  return words.length > 1 ? groupOf(words) : undefined;
}
