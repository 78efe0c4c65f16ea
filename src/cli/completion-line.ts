import type { Command, Option } from 'commander';

/**
 * A command line being completed, read against the program's own definitions (commander):
 * which command it has reached, and what the word under the cursor is for. The shell
 * scripts (completion-scripts.ts) hand over the words after the program's name, the
 * word being completed last.
 */

/** What the word being completed is. */
export type Slot =
  /** A subcommand of `command` (or the first word of an argument when it has none). */
  | { kind: 'command' }
  /** An option: the word starts with `-`. */
  | { kind: 'option' }
  /** The value of `option`; `prefix` is what stands before it in the word (`--status=`). */
  | { kind: 'value'; option: Option; prefix: string }
  /** The `index`th argument of `command` (named `name`); `given` holds the arguments before it. */
  | { kind: 'argument'; name: string; index: number; given: string[] };

export interface CompletionLine {
  command: Command;
  /** The words naming the command: ['set', 'show']. */
  path: string[];
  slot: Slot;
  /** The word being completed as typed so far, without its quotes. */
  current: string;
  /** --db and --operator where the line gives them: completion reads the store the command would. */
  db: string | undefined;
  operator: string | undefined;
}

/** An option of the command or of a command above it (the program's global options). */
export function findOption(command: Command, flag: string): Option | undefined {
  for (let c: Command | null = command; c; c = c.parent) {
    const found = c.options.find((o) => o.long === flag || o.short === flag);
    if (found) return found;
  }
  return undefined;
}

/** A word as the command will receive it: shells hand over quotes and backslashes as typed. */
export function unquote(word: string): string {
  const quoted = /^(["'])(.*?)\1?$/s.exec(word);
  if (quoted) return quoted[2]!;
  return word.replace(/\\(.)/g, '$1');
}

function takesValue(option: Option): boolean {
  return option.required || option.optional;
}

export function readLine(program: Command, typed: string[]): CompletionLine {
  const words = typed.map(unquote);
  const current = words.pop() ?? '';
  let command = program;
  const path: string[] = [];
  const given: string[] = [];
  const globals: Record<string, string> = {};
  let pending: Option | undefined;
  let literal = false;
  const note = (option: Option, value: string) => {
    if (option.long === '--db' || option.long === '--operator') globals[option.long] = value;
  };
  for (const word of words) {
    if (pending) {
      note(pending, word);
      pending = undefined;
    } else if (!literal && word === '--') {
      literal = true;
    } else if (!literal && word.startsWith('-') && word.length > 1) {
      const eq = word.indexOf('=');
      const option = findOption(command, eq > 0 ? word.slice(0, eq) : word);
      if (option && takesValue(option)) {
        if (eq > 0) note(option, word.slice(eq + 1));
        else pending = option;
      }
    } else {
      const sub = !literal && given.length === 0 ? command.commands.find((c) => c.name() === word || c.aliases().includes(word)) : undefined;
      if (sub) {
        command = sub;
        path.push(word);
      } else {
        given.push(word);
      }
    }
  }
  const line = { command, path, current, db: globals['--db'], operator: globals['--operator'] };
  if (pending) return { ...line, slot: { kind: 'value', option: pending, prefix: '' } };
  if (!literal && current.startsWith('-')) {
    const eq = current.indexOf('=');
    const option = eq > 0 ? findOption(command, current.slice(0, eq)) : undefined;
    if (option && takesValue(option)) {
      return { ...line, current: current.slice(eq + 1), slot: { kind: 'value', option, prefix: current.slice(0, eq + 1) } };
    }
    return { ...line, slot: { kind: 'option' } };
  }
  if (command.commands.length > 0 && given.length === 0) return { ...line, slot: { kind: 'command' } };
  const args = command.registeredArguments;
  const last = args[args.length - 1];
  const argument = args[given.length] ?? (last?.variadic ? last : undefined);
  return { ...line, slot: { kind: 'argument', name: argument?.name() ?? '', index: given.length, given } };
}
