import fs from 'node:fs';
import type { Db } from './db.js';

/**
 * Group commit for the outbox. A sending run commits its moves at the store's
 * synchronous=NORMAL (the commit is in the write-ahead log, not yet forced to the disk) and
 * then forces the log to the disk with an fsync of the -wal file, off the event loop: what
 * synchronous=FULL does inside COMMIT, but without stalling the SMTP dialogues of the other
 * connections while the disk works, and one fsync for all the commits made while the
 * previous one ran. A claimed letter is handed over whole only after its commit is forced.
 */
export class CommitSync {
  private fd: number | undefined;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(private readonly db: Db) {}

  /** Resolves once every commit made before the call is on the disk. */
  sync(): Promise<void> {
    if (!this.running) {
      const run = this.fsync().finally(() => { this.running = undefined; });
      this.running = run;
      return run;
    }
    // The fsync under way may have started before the latest commit: the next one covers it.
    this.queued ??= this.running.then(noop, noop).then(() => {
      this.queued = undefined;
      return this.sync();
    });
    return this.queued;
  }

  /** Closes the file; after the last sync() resolved. */
  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private fsync(): Promise<void> {
    if (this.db.memory || this.db.name === '') return Promise.resolve();
    // SQLite keeps the same -wal file while a connection (this one) has the store open.
    try {
      this.fd ??= fs.openSync(`${this.db.name}-wal`, 'r');
    } catch (e) {
      // No log (another journal mode): the commits went to the database file itself.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return Promise.reject(e);
      this.fd = fs.openSync(this.db.name, 'r');
    }
    const fd = this.fd;
    return new Promise((resolve, reject) => fs.fsync(fd, (e) => (e ? reject(e) : resolve())));
  }
}

function noop(): void {}
