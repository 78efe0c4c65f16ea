import { resolveOperator, type Operator } from '../domain/authz.js';
import type { CodeBook } from '../domain/codes.js';
import { systemError, type AlmaUsersError } from '../domain/errors.js';
import { loadCodeBook } from '../store/codes.js';
import { openStore, type Db } from '../store/db.js';
import { stampChecked } from '../store/check-stamp.js';
import { guardWrites, isReadOnlyFailure, noteOpened, storeFailure } from '../store/failures.js';
import { UserStore } from '../store/users.js';
import { recoverAbandonedJobs, type RecoveredJob } from './jobs/recover.js';

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
  private checked = false;
  /** When the store's pages were last found sound, if this command checked (or could skip checking) them. */
  private soundSince: string | undefined;

  private constructor(
    readonly db: Db,
    private readonly file: string,
    /** Jobs left running by a process that is gone, now Aborted by System. */
    readonly recovered: RecoveredJob[],
  ) {}

  static open(file: string, options: SessionOptions = {}): Session {
    noteOpened(file);
    let db: Db;
    try {
      db = openStore(file, options);
    } catch (e) {
      throw storeFailure(e, file) ?? e;
    }
    try {
      return new Session(db, file, recover(db));
    } catch (e) {
      db.close();
      throw e;
    }
  }

  codes(): CodeBook {
    return loadCodeBook(this.db);
  }

  /**
   * The staff user named by --operator or ALMA_USERS_OPERATOR, checked for an active User
   * Manager or User Administrator role. A command that names its operator is about to act:
   * the store's pages are checked first, and a damaged store refuses its writes.
   */
  operator(id: string | undefined, now = new Date()): Operator {
    if (!this.checked) {
      this.checked = true;
      this.soundSince = guardWrites(this.db, this.file, now);
    }
    const users = (this.users ??= new UserStore(this.db));
    return resolveOperator((primaryId) => users.get(primaryId), id, now);
  }

  close(): void {
    this.db.close();
    // The file as this command leaves it was sound: the next writing command need not check it again.
    if (this.soundSince) stampChecked(this.file, this.soundSince);
  }
}

/**
 * A job whose process died (kill -9, power loss) is found by the next command. A store this
 * user cannot write is still read: its dead jobs wait for a command that can mark them.
 */
function recover(db: Db): RecoveredJob[] {
  try {
    return recoverAbandonedJobs(db);
  } catch (e) {
    if (isReadOnlyFailure(e)) return [];
    throw e;
  }
}

/**
 * The typed error for a failure of a library (SQLite, the file system), for main.ts to
 * print with its hint and exit code; undefined when it is none of those.
 */
export function libraryFailure(e: unknown): AlmaUsersError | undefined {
  return storeFailure(e) ?? systemError(e);
}
