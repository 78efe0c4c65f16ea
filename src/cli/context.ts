import os from 'node:os';
import path from 'node:path';
import type { Operator } from '../domain/authz.js';
import { resolveOperator } from '../domain/authz.js';
import type { CodeBook } from '../domain/codes.js';
import { recoverAbandonedJobs } from '../app/jobs/recover.js';
import { openStore, type Db } from '../store/db.js';
import { loadCodeBook } from '../store/codes.js';
import { UserStore } from '../store/users.js';
import type { Format, Sink } from './output.js';
import { visible } from './visible.js';

/** What a command may touch of the outside world; tests and the demo pass their own. */
export interface Io {
  stdout: Sink;
  stderr: Sink;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface GlobalOptions {
  db?: string;
  operator?: string;
  format?: Format;
  quiet?: boolean;
  color?: boolean;
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
  private db_: Db | undefined;
  private users_: UserStore | undefined;
  private operator_: Operator | undefined;

  constructor(readonly options: GlobalOptions, readonly io: Io) {}

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
    if (!this.db_) {
      this.db_ = openStore(this.storePath, opts);
      // A job whose process died (kill -9, power loss) is found by the next command.
      for (const id of recoverAbandonedJobs(this.db_)) {
        this.warn(`job ${id} was left running by a process that is gone; it is now Aborted by System (finish it: alma-users job resume ${id})`);
      }
    }
    return this.db_;
  }

  get users(): UserStore {
    return (this.users_ ??= new UserStore(this.store()));
  }

  codes(): CodeBook {
    return loadCodeBook(this.store());
  }

  /** The acting staff user, checked for an active User Manager or User Administrator role. */
  operator(): Operator {
    return (this.operator_ ??= resolveOperator(this.users, this.options.operator || this.io.env.ALMA_USERS_OPERATOR));
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
    this.db_?.close();
    this.db_ = undefined;
  }
}
