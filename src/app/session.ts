import { resolveOperator, type Operator } from '../domain/authz.js';
import type { CodeBook } from '../domain/codes.js';
import { loadCodeBook } from '../store/codes.js';
import { openStore, type Db } from '../store/db.js';
import { UserStore } from '../store/users.js';
import { recoverAbandonedJobs } from './jobs/recover.js';

/** The open store, as the use cases take it; the command line holds it without knowing SQLite. */
export type { Db };

/**
 * A command's store and operator, each reached only when a use case comes to it: an
 * argument that is wrong is refused before the store is opened. cli's Context is one.
 */
export interface OnDemand {
  store(): Db;
  operator(): Operator;
}

export interface SessionOptions {
  /** Create the store file when it is missing: only `init` does. */
  create?: boolean;
}

/**
 * One command's hold on a store: opened once, with jobs abandoned by a dead process
 * recovered first, the operator resolved on demand, the code book read when asked for.
 */
export class Session {
  private users: UserStore | undefined;

  private constructor(
    readonly db: Db,
    /** Jobs left running by a process that is gone, now Aborted by System. */
    readonly recovered: string[],
  ) {}

  static open(file: string, options: SessionOptions = {}): Session {
    const db = openStore(file, options);
    try {
      // A job whose process died (kill -9, power loss) is found by the next command.
      return new Session(db, recoverAbandonedJobs(db));
    } catch (e) {
      db.close();
      throw e;
    }
  }

  codes(): CodeBook {
    return loadCodeBook(this.db);
  }

  /** The staff user named by --operator or ALMA_USERS_OPERATOR, checked for an active User Manager or User Administrator role. */
  operator(id: string | undefined, now = new Date()): Operator {
    const users = (this.users ??= new UserStore(this.db));
    return resolveOperator((primaryId) => users.get(primaryId), id, now);
  }

  close(): void {
    this.db.close();
  }
}
