import fs from 'node:fs';
import readline from 'node:readline';
import { InputError } from '../core/errors.js';
import { RecordError, type ReadItem } from '../core/import-record.js';
import { almaPrimaryId, almaUserToRecord, isAlmaUserObject } from './alma-user-in.js';

/**
 * Alma JSON: a single user object, `{"user": [...]}` as `GET /users` returns, an array of
 * users, or NDJSON (one user object a line, as `users export --to ndjson` writes; streamed).
 */

function toItem(u: unknown, file: string, record: number, line?: number): ReadItem {
  const at = line === undefined ? { file, record } : { file, record, line };
  if (!isAlmaUserObject(u)) return { at, error: 'not a user: no primary_id' };
  try {
    return almaUserToRecord(u, at);
  } catch (e) {
    if (e instanceof RecordError) return { at, primary_id: almaPrimaryId(u), error: e.message };
    throw e;
  }
}

/** The users of a JSON document, or an InputError saying why this is not a user file. */
export function almaJsonUsers(doc: unknown, file: string): unknown[] {
  if (Array.isArray(doc)) return doc;
  if (typeof doc === 'object' && doc !== null) {
    const o = doc as Record<string, unknown>;
    if ('primary_id' in o) return [o];
    if ('user' in o) return Array.isArray(o.user) ? o.user : [o.user];
    const hint = almaError(o);
    throw new InputError(
      `not a user file: expected an Alma user object (with primary_id), {"user": [...]} or an array of users${hint}`,
      { file },
      'nothing was imported; give a file of users',
    );
  }
  throw new InputError('not a user file: the JSON holds no object', { file });
}

/** An Alma error envelope says what went wrong at Alma's end; worth repeating. */
function almaError(o: Record<string, unknown>): string {
  const list = (o.errorList as { error?: { errorMessage?: string }[] } | undefined)?.error;
  const msg = Array.isArray(list) ? list[0]?.errorMessage : undefined;
  return o.errorsExist !== undefined ? ` (it is an Alma error response${msg ? `: ${msg}` : ''})` : '';
}

/** Reads a whole JSON document (as the API returns a page of users). */
export function readAlmaJson(file: string, text: string): ReadItem[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new InputError(`not valid JSON: ${(e as Error).message}`, { file }, 'nothing was imported; fix the file and run again');
  }
  return almaJsonUsers(doc, file).map((u, i) => toItem(u, file, i + 1));
}

/** Reads NDJSON line by line, so a file of a million users is never held whole. */
export async function* readAlmaNdjson(file: string): AsyncGenerator<ReadItem> {
  const lines = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  let record = 0;
  for await (const raw of lines) {
    line++;
    const t = (line === 1 ? raw.replace(/^\uFEFF/, '') : raw).trim();
    if (t === '') continue;
    record++;
    let u: unknown;
    try {
      u = JSON.parse(t);
    } catch (e) {
      yield { at: { file, line, record }, error: `not valid JSON: ${(e as Error).message}` };
      continue;
    }
    yield toItem(u, file, record, line);
  }
}
