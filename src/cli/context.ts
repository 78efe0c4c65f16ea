import os from 'node:os';
import path from 'node:path';
import { Session, type Db } from '../app/session.js';
import type { Operator } from '../domain/authz.js';
import type { CodeBook } from '../domain/codes.js';
import type { ExitCode } from './exit-codes.js';
import type { Format, Sink } from './output.js';
import { visible } from './visible.js';

/** What a command may touch of the outside world; tests and the demo pass their own. */
export interface Io {
  stdout: Sink;
  stderr: Sink;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Milliseconds now, for progress rates and their pace (Date.now unless the caller drives time). */
  clock?: () => number;
}

/** Runs one command line (main.ts `run`), given to commands that run others: the demo. */
export type Runner = (args: string[], io: Io) => Promise<ExitCode>;

export interface GlobalOptions {
  db?: string;
  operator?: string;
  format?: Format;
  quiet?: boolean;
  color?: boolean;
  progress?: boolean;
  utc?: boolean;
}

/** Where a store lives when neither --db nor ALMA_USERS_DB names one (XDG data directory). */
export function defaultStorePath(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_DATA_HOME || path.join(env.HOME || os.homedir(), '.local', 'share');
  return path.join(base, 'alma-users', 'store.db');
}

/**
 * A command's view of its run: options, the store (opened on first use), the operator
 * (checked on first use), and stderr for messages. Data goes to stdout only via output.ts.
 */
export class Context {
  private session_: Session | undefined;
  private operator_: Operator | undefined;

  constructor(readonly options: GlobalOptions, readonly io: Io, readonly runner: Runner) {}

  get storePath(): string {
    const p = this.options.db || this.io.env.ALMA_USERS_DB || defaultStorePath(this.io.env);
    return path.resolve(this.io.cwd, p);
  }

  /** Whether --format was given; commands that stream use it to pick a default. */
  get format(): Format {
    return this.options.format ?? 'table';
  }

  /** The store, created only by `init` (create: true); every other command needs one. */
  store(opts: { create?: boolean } = {}): Db {
    return this.session(opts).db;
  }

  codes(): CodeBook {
    return this.session().codes();
  }

  /** The acting staff user, checked for an active User Manager or User Administrator role. */
  operator(): Operator {
    return (this.operator_ ??= this.session().operator(this.options.operator || this.io.env.ALMA_USERS_OPERATOR));
  }

  /** A message for people, on stderr; --quiet silences it. Control characters are shown, not obeyed (output.ts visible). */
  info(message: string): void {
    if (!this.options.quiet) this.io.stderr.write(visible(message) + '\n');
  }

  /** A warning always reaches stderr, even with --quiet. */
  warn(message: string): void {
    this.io.stderr.write(`warning: ${visible(message)}\n`);
  }

  close(): void {
    this.session_?.close();
    this.session_ = undefined;
  }

  private session(opts: { create?: boolean } = {}): Session {
    if (!this.session_) {
      this.session_ = Session.open(this.storePath, opts);
      for (const { id, finish } of this.session_.recovered) {
        this.warn(`job ${id} was left running by a process that is gone; it is now Aborted by System (to finish it: ${finish})`);
      }
    }
    return this.session_;
  }
}
