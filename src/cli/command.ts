import type { Command } from 'commander';
import type { z } from 'zod';
import { UsageError } from '../core/errors.js';
import type { Context } from './context.js';
import type { ExitCode } from './exit-codes.js';
import type { Output } from './output.js';

/** What every command returns: data to present, and how the run went. */
export interface CommandResult {
  output?: Output;
  exit?: ExitCode;
}

/** A command's body: typed inputs in, a result out; no printing of data, no exit codes. */
export type Handler = (ctx: Context, args: string[], opts: Record<string, unknown>) => Promise<CommandResult> | CommandResult;

/**
 * Binds a handler to a commander command. The handler is loaded only when its command
 * runs (`bind(async () => (await import('../handlers/x.js')).list)`), so that start-up
 * pays for commander alone and each command loads just the modules it uses.
 */
export type Bind = (load: () => Promise<Handler>) => (...commanderArgs: unknown[]) => Promise<void>;

export interface CommandGroup {
  register(program: Command, bind: Bind): void;
}

/** Checks options against their zod schema; a bad value is a usage error naming the option. */
export function parseOptions<S extends z.ZodType>(schema: S, opts: Record<string, unknown>): z.output<S> {
  const r = schema.safeParse(opts);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const name = issue.path.length ? `--${String(issue.path[0]).replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}` : 'options';
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
