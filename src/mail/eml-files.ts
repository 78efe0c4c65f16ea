import fs from 'node:fs';
import path from 'node:path';
import { processAlive } from '../domain/processes.js';

/**
 * The .eml outbox folder's files, without the composer: crash recovery reads them on every
 * `mail list`, which should not pay for loading nodemailer.
 */

const TEMP_SUFFIX = '.tmp';
/** Writing a letter takes milliseconds: a temporary file this old was abandoned, whoever has its pid now. */
const STALE_AFTER_MS = 60 * 60 * 1000;

export function emlFile(dir: string, id: string): string {
  return path.join(dir, `${id}.eml`);
}

/** Where a letter is written before it is renamed to its file. */
export function emlTempFile(dir: string, id: string, pid: number): string {
  return `${emlFile(dir, id)}.${pid}${TEMP_SUFFIX}`;
}

/**
 * Removes the temporary files of writes that never finished (`<id>.eml.<pid>.tmp`): those of
 * a process that is gone, of this one (nothing is in flight when this runs), or old ones.
 * Returns how many were removed.
 */
export function removeStaleTemps(dir: string): number {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return 0; // no folder yet: nothing was ever written
  }
  let removed = 0;
  for (const name of names) {
    const m = /\.eml\.(\d+)\.tmp$/.exec(name);
    if (!m) continue;
    const file = path.join(dir, name);
    const pid = Number(m[1]);
    try {
      const stale = pid === process.pid || !processAlive(pid) || Date.now() - fs.statSync(file).mtimeMs > STALE_AFTER_MS;
      if (stale) {
        fs.rmSync(file, { force: true });
        removed++;
      }
    } catch {
      // removed meanwhile by another process
    }
  }
  return removed;
}

/** Whether a letter handed to the .eml transport named `name` was written (crash recovery). */
export function emlWritten(name: string, id: string): boolean {
  return fs.existsSync(emlFile(name.slice('eml:'.length), id));
}
