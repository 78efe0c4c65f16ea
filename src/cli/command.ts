import type { Command } from 'commander';
import type { z } from 'zod';
import { UsageError } from '../domain/errors.js';
import type { Context } from './context.js';
import type { ExitCode } from './exit-codes.js';
import { notChoice } from './options.js';
import type { Output } from './output.js';

/** What every command returns: data to present, and how the run went. */
export interface CommandResult {
  output?: Output;
  exit?: ExitCode;
}

/** A command's body: typed inputs in, a result out; no printing of data, no exit codes. */
export type Handler = (ctx: Context, args: string[], opts: Record<string, unknown>) => Promise<CommandResult> | CommandResult;

/** Turns a handler into a commander action: builds the Context, renders the output. */
export type Bind = (handler: Handler) => (...commanderArgs: unknown[]) => Promise<void>;

/**
 * One command, in one file found from its command line: `alma-users job run` is
 * src/cli/commands/job/run.ts. `define` adds the command (arguments, options, help) to its
 * parent; `run` is its body.
 *
 * Start-up is paid on every cron invocation and every command file is loaded to build the
 * program, so a command file imports only light modules at the top (commander types, this
 * file, domain constants without zod) and loads what its body needs inside `run`, with
 * `await import('../../../app/x.js')`.
 */
export interface CommandDef {
  define(parent: Command): Command;
  run: Handler;
}

/** What program.ts registers: a group of commands (`set create`, `set list`...) or one top-level command. */
export interface CommandGroup {
  register(program: Command, bind: Bind): void;
}

/** A noun and its verbs: `group('codes', '...', [list, add, remove])`. */
export function group(name: string, description: string, commands: CommandDef[]): CommandGroup {
  return {
    register(program, bind) {
      const parent = program.command(name).description(description);
      for (const c of commands) c.define(parent).action(bind(c.run));
    },
  };
}

/** A command with no noun above it (`init`, `doctor`, `demo`). */
export function topLevel(command: CommandDef): CommandGroup {
  return { register: (program, bind) => void command.define(program).action(bind(command.run)) };
}

/** Checks options against their zod schema; a bad value is a usage error naming the option. */
export function parseOptions<S extends z.ZodType>(schema: S, opts: Record<string, unknown>): z.output<S> {
  const r = schema.safeParse(opts);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const name = issue.path.length ? `--${String(issue.path[0]).replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}` : 'options';
  const value = issue.path.length ? opts[String(issue.path[0])] : undefined;
  // An option of a few words is worded as the zod-free checks word it (options.ts).
  if (issue.code === 'invalid_value' && typeof value === 'string') throw notChoice(name, value, issue.values.map(String));
  throw new UsageError(`${name}: ${issue.message}`);
}

/** For z.preprocess: an option's text in upper case (`--status active`), other values as given. */
export function upper(v: unknown): unknown {
  return typeof v === 'string' ? v.trim().toUpperCase() : v;
}

/** Collects a repeatable option (`--add-role a --add-role b`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
