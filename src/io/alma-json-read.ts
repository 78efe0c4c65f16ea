import fs from 'node:fs';
import readline from 'node:readline';
import { InputError } from '../domain/errors.js';
import { RecordError, type FileStats, type ReadItem, type SourceRef } from '../domain/import-record.js';
import { almaPrimaryId, almaUserToRecord, isAlmaUserObject, partialPage } from './alma-user-in.js';
import { describeInexact, inexactNumbers, JsonSyntaxError, parseJson } from './json-text.js';

/**
 * Alma JSON: a single user object, `{"user": [...]}` as `GET /users` returns, an array of
 * users, or NDJSON (one user object a line, as `users export --to ndjson` writes; streamed).
 */

function toItem(u: unknown, at: SourceRef, inexact: boolean): ReadItem {
  if (!isAlmaUserObject(u)) return { at, error: 'not a user: no primary_id' };
  // A number JSON cannot hold exactly would be stored rounded (an ID losing its last digits).
  const [bad] = inexact ? inexactNumbers(u) : [];
  if (bad) return { at, primary_id: inexactNumbers(u.primary_id)[0]?.text ?? almaPrimaryId(u), error: describeInexact(bad) };
  try {
    return almaUserToRecord(u, at);
  } catch (e) {
    if (e instanceof RecordError) return { at, primary_id: almaPrimaryId(u), error: e.message };
    throw e;
  }
}

/**
 * The users of a JSON document, or an InputError saying why this is not a user file. An
 * Alma page (`total_record_count` with or without `user`) that holds fewer users than its
 * count is read with a warning: the other pages are missing.
 */
export function almaJsonUsers(doc: unknown, file: string, warnings: string[]): unknown[] {
  if (Array.isArray(doc)) return doc;
  if (typeof doc === 'object' && doc !== null) {
    const o = doc as Record<string, unknown>;
    if ('primary_id' in o) return [o];
    const count = o.total_record_count;
    // An empty page: Alma leaves out `user` when a search finds no one.
    if ('user' in o || (typeof count === 'number' && Object.keys(o).length === 1)) {
      const users = !('user' in o) || o.user === null ? [] : Array.isArray(o.user) ? o.user : [o.user];
      if (typeof count === 'number' && count > users.length) warnings.push(partialPage(file, users.length, count));
      return users;
    }
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

function lineCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return text.length === 0 || text.endsWith('\n') ? n : n + 1;
}

/** Reads a whole JSON document (as the API returns a page of users). */
export function readAlmaJson(file: string, text: string, stats: FileStats): ReadItem[] {
  let parsed: { value: unknown; inexact: boolean };
  try {
    parsed = parseJson(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    throw new InputError(`not valid JSON at line ${e.line}, column ${e.column}: ${e.reason}`, { file }, 'nothing was imported; fix the file and run again');
  }
  const users = almaJsonUsers(parsed.value, file, stats.warnings);
  stats.lines = lineCount(text);
  stats.records = users.length;
  return users.map((u, i) => toItem(u, { file, record: i + 1 }, parsed.inexact));
}

/** Reads NDJSON line by line, so a file of a million users is never held whole. */
export async function* readAlmaNdjson(file: string, stats: FileStats): AsyncGenerator<ReadItem> {
  const lines = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  let record = 0;
  for await (const raw of lines) {
    line++;
    const t = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (t.trim() === '') continue;
    record++;
    const at = { file, line, record };
    let parsed: { value: unknown; inexact: boolean };
    try {
      parsed = parseJson(t);
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) throw e;
      yield { at, error: `not valid JSON at column ${e.column}: ${e.reason}` };
      continue;
    }
    yield toItem(parsed.value, at, parsed.inexact);
  }
  stats.lines = line;
  stats.records = record;
}
