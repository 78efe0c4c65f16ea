import type { CommandDef, CommandGroup } from './command.js';

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

/**
 * Commands that only read, which scripts and people run most, each loaded without the rest
 * of its group: `users show` needs none of the modules of `users import` or `users edit`
 * (the job runner, progress, prompts: 30 of the 80 modules it loaded). Other commands load
 * their whole group; a unit test keeps each of these defined as its group defines it.
 */
export const COMMAND_LOADERS: Readonly<Record<string, () => Promise<CommandDef>>> = {
  'users show': async () => (await import('./commands/users/show.js')).show,
  'users list': async () => (await import('./commands/users/list.js')).list,
  'users search': async () => (await import('./commands/users/search.js')).search,
  'users history': async () => (await import('./commands/users/history.js')).history,
  'job list': async () => (await import('./commands/job/list.js')).list,
  'job show': async () => (await import('./commands/job/show.js')).show,
  'job report': async () => (await import('./commands/job/report.js')).report,
  'set list': async () => (await import('./commands/set/list.js')).list,
  'set show': async () => (await import('./commands/set/show.js')).show,
  'set members': async () => (await import('./commands/set/members.js')).members,
  'mail list': async () => (await import('./commands/mail/list.js')).list,
  'codes list': async () => (await import('./commands/codes/list.js')).list,
  'config list': async () => (await import('./commands/config/list.js')).list,
  'config get': async () => (await import('./commands/config/get.js')).get,
};

/** The global options that take a value as the next word (program-core.ts defines them). */
const VALUED = new Set(['--db', '--operator', '--format']);

/** Asked before the command word, these are about the whole program. */
const WHOLE = new Set(['-h', '--help', '-V', '--version']);

/** Where the command word of a line is: the first word that is neither a global option nor its value. */
function commandIndex(args: readonly string[]): number | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (WHOLE.has(a) || a === '--') return undefined;
    if (!a.startsWith('-')) return i;
    if (VALUED.has(a)) i++;
  }
  return undefined;
}

/** The command word of a line: the first word that is neither a global option nor its value. */
export function commandWord(args: readonly string[]): string | undefined {
  const i = commandIndex(args);
  return i === undefined ? undefined : args[i];
}

/**
 * What this line runs a command of, or undefined when it needs the whole program: one of
 * COMMAND_LOADERS' commands alone, under its group's word (the group's description is
 * shown only by the group's own help, which loads the whole group), or else its group.
 */
export async function groupOf(args: readonly string[]): Promise<CommandGroup | undefined> {
  const i = commandIndex(args);
  if (i === undefined) return undefined;
  const word = args[i]!;
  const line = `${word} ${args[i + 1]}`;
  if (Object.hasOwn(COMMAND_LOADERS, line)) {
    const [{ group }, command] = await Promise.all([import('./command.js'), COMMAND_LOADERS[line]!()]);
    return group(word, '', [command]);
  }
  return wholeGroup(word);
}

/** The group of this command word, every command of it. */
function wholeGroup(word: string | undefined): Promise<CommandGroup> | undefined {
  return word !== undefined && Object.hasOwn(GROUP_LOADERS, word) ? GROUP_LOADERS[word]!() : undefined;
}

/**
 * The group a Tab press needs (`__complete -- WORDS...`), or undefined for the whole program:
 * once the line's group word is typed and followed by another word (`set show <Tab>`, the
 * common case), that group suffices; the command word itself is completed from the whole
 * program, which knows every group.
 */
export async function completionGroup(words: readonly string[]): Promise<CommandGroup | undefined> {
  // The whole group: a subcommand's word being typed is completed among all of its group's.
  return words.length > 1 ? wholeGroup(commandWord(words)) : undefined;
}
