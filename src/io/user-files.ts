import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../domain/errors.js';
import type { FileStats, ReadItem } from '../domain/import-record.js';
import { headText, notTextFile, readHead } from './file-head.js';

/** The file formats `users import` reads. */
export const INPUT_FORMATS = ['csv', 'alma-json', 'alma-xml'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

export interface OpenedFile {
  file: string;
  format: InputFormat;
  items: AsyncIterable<ReadItem> | Iterable<ReadItem>;
  stats: FileStats;
}

/** The format from the extension, else from the first characters. */
export function detectFormat(file: string, head: Buffer): InputFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return 'csv';
  if (ext === '.json' || ext === '.ndjson' || ext === '.jsonl') return 'alma-json';
  if (ext === '.xml') return 'alma-xml';
  const start = headText(head).trimStart();
  if (start.startsWith('<')) return 'alma-xml';
  if (start.startsWith('{') || start.startsWith('[')) return 'alma-json';
  return 'csv';
}

/** Longer first lines are not taken for a user object (a one-line document is read as a whole). */
const MAX_FIRST_LINE = 16 * 1024 * 1024;

/**
 * NDJSON: by its extension, or a first line (however long) that is a whole object
 * followed by a line that starts another.
 */
function isNdjson(file: string): boolean {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.ndjson' || ext === '.jsonl') return true;
  // Read until the first line break and the first character after it that is not white space.
  let read = 0;
  let broken = false;
  const head = readHead(file, file, (chunk) => {
    const nl = broken ? -1 : chunk.indexOf(10);
    const after = broken ? chunk : nl >= 0 ? chunk.subarray(nl + 1) : undefined;
    broken ||= nl >= 0;
    read += chunk.length;
    return read > MAX_FIRST_LINE || (after !== undefined && /\S/.test(after.toString('latin1')));
  });
  const nl = head.indexOf(10);
  if (nl < 0 || !head.subarray(nl + 1).toString('utf8').trimStart().startsWith('{')) return false;
  try {
    const first = JSON.parse(headText(head.subarray(0, nl))) as unknown;
    return typeof first === 'object' && first !== null && !Array.isArray(first);
  } catch {
    return false;
  }
}

/**
 * Opens one input file: checks that it exists and that it is usable as a whole (a CSV
 * header, a JSON or XML document that holds users), so that an unusable file stops the
 * import before anything is written. CSV and NDJSON are then read as a stream; a JSON or
 * XML document is read whole, as the API returns a page of users.
 */
export async function openUserFile(file: string, format?: InputFormat): Promise<OpenedFile> {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new InputError('no such file', { file }, 'nothing was imported');
  }
  if (!stat.isFile()) throw new InputError('not a file', { file }, 'nothing was imported');
  const head = readHead(file);
  const binary = notTextFile(file, head);
  if (binary) throw new InputError(binary.reason, { file }, `nothing was imported; ${binary.fix}`);
  const f = format ?? detectFormat(file, head);
  const stats: FileStats = { lines: 0, records: 0, warnings: [] };
  switch (f) {
    case 'csv':
      return { file, format: f, stats, items: await (await import('./users-csv.js')).openUsersCsv(file, stats) };
    case 'alma-json': {
      const json = await import('./alma-json-read.js');
      if (isNdjson(file)) return { file, format: f, stats, items: json.readAlmaNdjson(file, stats) };
      return { file, format: f, stats, items: json.readAlmaJson(file, fs.readFileSync(file, 'utf8'), stats) };
    }
    case 'alma-xml':
      return { file, format: f, stats, items: (await import('./alma-xml-read.js')).readAlmaXml(file, fs.readFileSync(file, 'utf8'), stats) };
  }
}
