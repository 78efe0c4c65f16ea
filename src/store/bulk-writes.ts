import type { Db } from './db.js';

/**
 * Runs many writes with this connection tuned for them, restored afterwards: a larger page
 * cache keeps the indexes' hot pages in memory, and checkpointing the WAL every ~40 MB
 * instead of 4 MB stops rewriting the same pages into the store after every few
 * transactions. An import, a sync and a job's bulks use it; so does a sending run, which
 * commits a few times per letter and moved the same outbox pages back into the store at
 * every checkpoint (about 5 % of its time for 10,000 letters).
 */
export async function bulkWrites<T>(db: Db, load: () => Promise<T>): Promise<T> {
  const cacheSize = db.pragma('cache_size', { simple: true }) as number;
  const autoCheckpoint = db.pragma('wal_autocheckpoint', { simple: true }) as number;
  db.pragma('cache_size = -32768');
  db.pragma('wal_autocheckpoint = 10000');
  try {
    return await load();
  } finally {
    db.pragma(`cache_size = ${cacheSize}`);
    db.pragma(`wal_autocheckpoint = ${autoCheckpoint}`);
  }
}
