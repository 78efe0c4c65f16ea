import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Db } from './db.js';

/**
 * A password letter's body is kept in the store sealed (AES-256-GCM) under a key of its own,
 * and the key lives outside SQLite, in `<store>-letterkeys`, in a 32-byte slot at the letter's
 * rowid. Once the letter is sent, refused, uncertain or discarded, its slot is overwritten in
 * place with zeros: whatever copies of the sealed body SQLite still has (a -wal another
 * connection's read snapshot keeps from being checkpointed, a free page, a backup) can no
 * longer be opened. A crash keeps the keys of the letters not sent yet, so `job resume` and
 * `mail retry` still send them.
 */

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED = 'sealed:v1:';
const ZERO = Buffer.alloc(KEY_BYTES);

/** In-memory stores have no file beside them: their keys stay in this process. */
const memoryKeys = new WeakMap<Db, Map<number, Buffer>>();

export function letterKeysFile(db: Db): string | undefined {
  return db.memory || db.name === '' ? undefined : `${db.name}-letterkeys`;
}

/**
 * The key file of the store that last used one, kept open: a job queues a letter every few
 * tens of microseconds and a sending run opens one at each claim, and opening and closing
 * the file for each key cost as much as reading or writing it. Closed when another store
 * (or this one reopened) uses its keys. Undefined when the file does not exist and `create`
 * is false: no sealed letter was ever queued there.
 */
let keyFile: { db: Db; fd: number } | undefined;

function keyFileFd(db: Db, create: true): number;
function keyFileFd(db: Db, create: boolean): number | undefined;
function keyFileFd(db: Db, create: boolean): number | undefined {
  if (keyFile?.db === db && db.open) return keyFile.fd;
  if (keyFile) fs.closeSync(keyFile.fd);
  keyFile = undefined;
  let fd = openKeyFile(db);
  if (fd === undefined) {
    if (!create) return undefined;
    fs.closeSync(fs.openSync(letterKeysFile(db)!, 'a+', 0o600)); // created 0600 before its first key
    fd = openKeyFile(db)!;
  }
  keyFile = { db, fd };
  return fd;
}

/** The store's key file opened to read and write, or undefined when it does not exist. */
function openKeyFile(db: Db): number | undefined {
  try {
    return fs.openSync(letterKeysFile(db)!, 'r+');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Keeps a letter's key in its slot (its rowid), inside the transaction that writes the
 * letter: the key is in the file (forced to the disk by syncLetterKeys before the letter
 * leaves) when the letter's row commits.
 */
export function keepKey(db: Db, slot: number, key: Buffer): void {
  if (!letterKeysFile(db)) {
    let m = memoryKeys.get(db);
    if (!m) memoryKeys.set(db, (m = new Map()));
    m.set(slot, key);
    return;
  }
  fs.writeSync(keyFileFd(db, true), key, 0, KEY_BYTES, slot * KEY_BYTES);
}

/**
 * Random bytes for keys and IVs, drawn from a pool filled in one call: a job queues a
 * letter every few tens of microseconds, and one call to the generator per key and IV
 * costs more than the sealing itself.
 */
const randomPool = Buffer.alloc(4096);
let randomUsed = randomPool.length;
function randomBytes(n: number): Buffer {
  if (randomUsed + n > randomPool.length) {
    crypto.randomFillSync(randomPool);
    randomUsed = 0;
  }
  randomUsed += n;
  // A copy: the pool is refilled, and a key outlives this call.
  return Buffer.from(randomPool.subarray(randomUsed - n, randomUsed));
}

function getKey(db: Db, slot: number): Buffer | undefined {
  if (!letterKeysFile(db)) return memoryKeys.get(db)?.get(slot);
  const key = Buffer.alloc(KEY_BYTES);
  try {
    const fd = keyFileFd(db, false);
    const n = fd === undefined ? 0 : fs.readSync(fd, key, 0, KEY_BYTES, slot * KEY_BYTES);
    return n === KEY_BYTES && !key.equals(ZERO) ? key : undefined;
  } catch {
    return undefined;
  }
}

/** Makes the keys written so far durable: called before a letter sealed with one may leave. */
export function syncLetterKeys(db: Db): void {
  if (!letterKeysFile(db)) return;
  const fd = keyFileFd(db, false); // none yet: no sealed letter
  if (fd !== undefined) fs.fsyncSync(fd);
}

/** Overwrites these letters' keys in place with zeros, durably: their sealed bodies can no longer be opened. */
export function shredLetterKeys(db: Db, slots: readonly number[]): void {
  zeroLetterKeys(db, slots, (fd) => fs.fsyncSync(fd));
}

/**
 * Overwrites these letters' keys in place with zeros at once, and makes that durable in the
 * background (one fsync for the shreds of several batches of letters, off the sender's way);
 * KeyFlusher.flush waits for that. A sending run shreds after each commit.
 */
export function shredLetterKeysSoon(db: Db, slots: readonly number[]): boolean {
  return zeroLetterKeys(db, slots, () => undefined);
}

/**
 * Makes the zeros written by shredLetterKeysSoon durable: a sending run flushes after most of
 * its commits, so the file is opened once for the run (close() at its end), not at each flush.
 */
export class KeyFlusher {
  /** undefined: not opened yet; null: there is no key file. */
  private fd: number | null | undefined;

  constructor(private readonly db: Db) {}

  flush(): Promise<void> {
    if (this.fd === undefined) this.fd = letterKeysFile(this.db) ? (openKeyFile(this.db) ?? null) : null;
    const fd = this.fd;
    return fd === null ? Promise.resolve() : new Promise((resolve, reject) => fs.fsync(fd, (e) => (e ? reject(e) : resolve())));
  }

  /** After the last flush() resolved. */
  close(): void {
    if (typeof this.fd === 'number') fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Writes zeros over the slots, then `then(fd)`; false when there was nothing to write. */
function zeroLetterKeys(db: Db, slots: readonly number[], then: (fd: number) => void): boolean {
  if (slots.length === 0) return false;
  if (!letterKeysFile(db)) {
    const m = memoryKeys.get(db);
    for (const s of slots) {
      m?.get(s)?.fill(0);
      m?.delete(s);
    }
    return false;
  }
  const fd = keyFileFd(db, false);
  if (fd === undefined) return false;
  for (const s of slots) fs.writeSync(fd, ZERO, 0, KEY_BYTES, s * KEY_BYTES);
  then(fd);
  return true;
}

/** A letter's new key, and a sealer of its body's parts under it. */
export interface Sealer {
  key: Buffer;
  seal(text: string): string;
}

export function newSealer(): Sealer {
  const key = randomBytes(KEY_BYTES);
  return {
    key,
    seal(text) {
      const iv = randomBytes(IV_BYTES);
      const c = crypto.createCipheriv('aes-256-gcm', key, iv);
      const body = c.update(text, 'utf8');
      c.final(); // GCM adds no bytes at the end
      // iv | tag | body in one buffer: one copy of the body, not two.
      const out = Buffer.allocUnsafe(IV_BYTES + TAG_BYTES + body.length);
      iv.copy(out, 0);
      c.getAuthTag().copy(out, IV_BYTES);
      body.copy(out, IV_BYTES + TAG_BYTES);
      return SEALED + out.toString('base64');
    },
  };
}

/** A new key for the letter in this slot (its rowid), and a sealer of its body's parts under it. */
export function sealerFor(db: Db, slot: number): (text: string) => string {
  const sealer = newSealer();
  keepKey(db, slot, sealer.key);
  return sealer.seal;
}

/**
 * A letter's body parts as they can be sent: sealed ones opened with the letter's key (read
 * once for all its parts); undefined for a part whose key was shredded or lost (only a new
 * password can be sent in its place).
 */
export function openBodies<T extends (string | null)[]>(db: Db, slot: number, stored: T): { [K in keyof T]: string | null | undefined } {
  let key: Buffer | undefined | null = null; // null: not read yet
  return stored.map((part) => {
    if (part === null || !part.startsWith(SEALED)) return part;
    if (key === null) key = getKey(db, slot);
    return key && openSealed(key, part);
  }) as { [K in keyof T]: string | null | undefined };
}

function openSealed(key: Buffer, stored: string): string | undefined {
  const raw = Buffer.from(stored.slice(SEALED.length), 'base64');
  try {
    const d = crypto.createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    d.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([d.update(raw.subarray(IV_BYTES + TAG_BYTES)), d.final()]).toString('utf8');
  } catch {
    return undefined; // a slot reused by a later letter: this body's key is gone
  }
}

/**
 * Checkpoints and truncates the write-ahead log, without waiting: a reader's open snapshot (a
 * backup, the sqlite3 shell) keeps it from truncating, and waiting for that reader would hang
 * the sender for the store's whole busy timeout. Sealed bodies whose keys are shredded are
 * unreadable either way; `doctor` reports a -wal left behind. Returns whether it was truncated.
 */
export function truncateWal(db: Db): boolean {
  const wait = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    const [r] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    return r?.busy === 0;
  } catch {
    return false;
  } finally {
    db.pragma(`busy_timeout = ${wait}`);
  }
}
