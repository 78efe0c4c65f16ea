import path from 'node:path';
import type { Command } from 'commander';
import type { StoreNames } from '../../app/completion.js';
import { CODE_TABLES, type CodeTable } from '../../domain/codes.js';
import { CONFIG_KEYS } from '../../domain/config.js';
import { UPDATE_NOTIFY_ACTIONS } from '../../domain/jobs/action-table.js';
import { JOB_RUN_TYPES } from '../../domain/jobs/job-types.js';
import { ACCOUNT_TYPES, RECORD_TYPES, STATUSES } from '../../domain/user-enums.js';
import { SEARCH_INDEXES } from '../../domain/user-fields.js';
import { readLine, type CompletionLine } from '../completion-line.js';
import type { Io } from '../context.js';

/**
 * `alma-users __complete WORDS...`: what the shell scripts of `alma-users completion` call
 * on each Tab press. It prints the candidates for the last word, one a line, a tab before
 * what each is. Commands and options come from the program's definitions; names from the
 * store in use (the line's --db, else ALMA_USERS_DB) through one small read-only query.
 * It loads no zod and no writer, prints nothing on stderr and always exits 0: a failing
 * completion would write into the person's command line.
 */

interface Candidate {
  value: string;
  help?: string | undefined;
}

/** Where the values of an option or an argument come from. */
type Source =
  | { words: readonly string[] }
  | { named: (line: CompletionLine) => StoreNames | undefined }
  | { commands: true };

const words = (list: readonly string[]): Source => ({ words: list });
const codes = (table: CodeTable): Source => ({ named: () => ({ kind: 'codes', table }) });
const sets: Source = { named: (line) => ({ kind: 'sets', operator: line.operator }) };
const jobs: Source = { named: () => ({ kind: 'jobs' }) };

/** Choices the update/notify action table declares (--convert-to internal|external). */
const ACTION_CHOICES = Object.fromEntries(
  UPDATE_NOTIFY_ACTIONS.flatMap((a) => [a.option, ...(a.modifiers ?? [])])
    .filter((o) => o.choices)
    .map((o) => [o.flags.split(' ')[0]!, words(o.choices!)]),
);

/** Option values, by the option's long flag; `<command path> <flag>` where one command means another thing. */
const OPTION_VALUES: Record<string, Source> = {
  ...ACTION_CHOICES,
  '--set': sets,
  '--job': jobs,
  '--status': words(STATUSES),
  'mail list --status': { words: [] },
  'mail discard --status': { words: [] },
  '--record-type': words(RECORD_TYPES),
  '--account-type': words(ACCOUNT_TYPES),
  '--index': words(SEARCH_INDEXES),
  '--user-group': codes('user_group'),
  '--job-category': codes('job_category'),
  '--campus': codes('campus'),
  '--user-title': codes('user_title'),
  '--cataloger-level': codes('cataloger_level'),
  '--role': codes('role'),
  '--add-role': codes('role'),
  '--remove-role': codes('role'),
  '--add-block': codes('block_description'),
  '--remove-block': codes('block_description'),
  '--add-statistic': codes('statistic_category'),
  '--remove-statistic': codes('statistic_category'),
  '--add-rs-library': codes('rs_library'),
  '--remove-rs-library': codes('rs_library'),
  '--note-type': codes('note_type'),
  '--notify': codes('notification_type'),
  'letters preview --type': codes('notification_type'),
};

/** Argument values, by `<group> <argument name>` or `<command path> <argument name>`. */
const ARGUMENT_VALUES: Record<string, Source> = {
  'set name': sets,
  'set a': sets,
  'set b': sets,
  'job id': jobs,
  'job run type': words(JOB_RUN_TYPES.map((t) => t.type)),
  'codes table': words(CODE_TABLES),
  'codes remove code': { named: (line) => (isTable(line.slot) ? { kind: 'codes', table: line.slot.given[0] } : undefined) },
  'config key': words(Object.keys(CONFIG_KEYS)),
  'help command': { commands: true },
};

function isTable(slot: CompletionLine['slot']): slot is { kind: 'argument'; name: string; index: number; given: [CodeTable, ...string[]] } {
  return slot.kind === 'argument' && (CODE_TABLES as readonly string[]).includes(slot.given[0] ?? '');
}

function sourceOf(line: CompletionLine): Source | undefined {
  const { slot, path } = line;
  if (slot.kind === 'value') {
    const flag = slot.option.long ?? '';
    if (slot.option.argChoices) return words(slot.option.argChoices);
    return OPTION_VALUES[`${path.join(' ')} ${flag}`] ?? OPTION_VALUES[flag];
  }
  if (slot.kind === 'argument') return ARGUMENT_VALUES[`${path.join(' ')} ${slot.name}`] ?? ARGUMENT_VALUES[`${path[0]} ${slot.name}`];
  return undefined;
}

/** The options a command takes, its own and those of the commands above it, with --help. */
function optionsOf(program: Command, command: Command): Candidate[] {
  const help = program.createHelp();
  const found: Candidate[] = [];
  for (let c: Command | null = command; c; c = c.parent) {
    for (const o of help.visibleOptions(c)) {
      if (o.long && (c === command || o.long !== '--help')) found.push({ value: o.long, help: o.description });
    }
  }
  return found;
}

function subcommandsOf(program: Command, command: Command): Candidate[] {
  return program.createHelp().visibleCommands(command).map((c) => ({ value: c.name(), help: c.summary() || c.description() }));
}

async function candidates(program: Command, line: CompletionLine, { env, cwd }: Io): Promise<Candidate[]> {
  const { slot } = line;
  if (slot.kind === 'option') return optionsOf(program, line.command);
  if (slot.kind === 'command') return subcommandsOf(program, line.command);
  const source = sourceOf(line);
  if (!source) return [];
  if ('words' in source) return source.words.map((value) => ({ value }));
  if ('commands' in source) {
    // `help set show`: the words after `help` walk down the program as a command line would.
    const walked = slot.kind === 'argument' ? readLine(program, [...slot.given, '']) : undefined;
    return walked?.slot.kind === 'command' ? subcommandsOf(program, walked.command) : [];
  }
  const want = source.named(line);
  if (!want) return [];
  const [{ storeNames }, { defaultStorePath }] = await Promise.all([import('../../app/completion.js'), import('../context.js')]);
  const file = path.resolve(cwd, line.db || env.ALMA_USERS_DB || defaultStorePath(env));
  const names = storeNames(file, want.kind === 'sets' ? { ...want, operator: want.operator ?? env.ALMA_USERS_OPERATOR } : want);
  // ROLE@LIBRARY: after the @, the libraries.
  const at = want.kind === 'codes' && want.table === 'role' ? line.current.indexOf('@') : -1;
  if (at >= 0) {
    const scope = line.current.slice(0, at + 1);
    return storeNames(file, { kind: 'codes', table: 'library' }).map((n) => ({ value: scope + n.value, help: n.help }));
  }
  return names;
}

/** Candidates that begin with what was typed, in any case; a tab, then what each is. */
function lines(found: Candidate[], line: CompletionLine): string {
  const prefix = line.slot.kind === 'value' ? line.slot.prefix : '';
  const typed = line.current.toLowerCase();
  return found
    .filter((c) => c.value.toLowerCase().startsWith(typed))
    .map((c) => `${prefix}${c.value}${c.help ? `\t${c.help.replace(/\s+/g, ' ')}` : ''}\n`)
    .join('');
}

/**
 * Answers one Tab press, `alma-users __complete -- WORDS...`, from `program` (main.ts hands
 * it the group the line names, or the whole program for the command word itself). It runs
 * outside any command's action, so no session and no store module is loaded unless a name
 * from the store is asked for.
 */
export async function complete(program: Command, typed: string[], io: Io): Promise<void> {
  try {
    const line = readLine(program, typed);
    io.stdout.write(lines(await candidates(program, line, io), line));
  } catch {
    // Nothing to offer: the shell falls back to file names.
  }
}
