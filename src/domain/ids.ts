import { randomFillSync, randomInt } from 'node:crypto';

/**
 * Random identifiers: sets, letters and Message-IDs (21 URL-safe characters, as nanoid made
 * them: 126 random bits), jobs (12 lower-case letters and digits). Here rather than nanoid
 * because read-only commands reach the modules that make them (a set's or a job's module),
 * and loading a package costs every start-up.
 */

const URL_SAFE = 'useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict';
const POOL = Buffer.alloc(21 * 128);
let used = POOL.length;

/** 21 characters of A-Z a-z 0-9 _ -, from 6 random bits each. */
export function newId(): string {
  if (used + 21 > POOL.length) {
    randomFillSync(POOL);
    used = 0;
  }
  let id = '';
  for (let i = used; i < used + 21; i++) id += URL_SAFE[POOL[i]! & 63];
  used += 21;
  return id;
}

const JOB_ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Lower-case letters and digits: safe in file names, never mistaken for an option (no leading '-'). */
export function newJobId(): string {
  let id = '';
  for (let i = 0; i < 12; i++) id += JOB_ID_ALPHABET[randomInt(JOB_ID_ALPHABET.length)];
  return id;
}
