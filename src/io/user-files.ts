import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../core/errors.js';
import type { ReadItem } from '../core/import-record.js';

/** The file formats `users import` reads. */
export const INPUT_FORMATS = ['csv', 'alma-json', 'alma-xml'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

export interface OpenedFile {
  file: string;
  format: InputFormat;
  items: AsyncIterable<ReadItem> | Iterable<ReadItem>;
}

function head(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '');
  } finally {
    fs.closeSync(fd);
  }
}

/** The format from the extension, else from the first characters. */
export function detectFormat(file: string): InputFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return 'csv';
  if (ext === '.json' || ext === '.ndjson' || ext === '.jsonl') return 'alma-json';
  if (ext === '.xml') return 'alma-xml';
  const start = head(file).trimStart();
  if (start.startsWith('<')) return 'alma-xml';
  if (start.startsWith('{') || start.startsWith('[')) return 'alma-json';
  return 'csv';
}

/** NDJSON: by its extension, or a first line that is a whole object followed by another. */
function isNdjson(file: string): boolean {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.ndjson' || ext === '.jsonl') return true;
  const lines = head(file).split('\n');
  if (lines.length < 2 || !lines[1]!.trim().startsWith('{')) return false;
  try {
    const first = JSON.parse(lines[0]!) as unknown;
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
  const f = format ?? detectFormat(file);
  switch (f) {
    case 'csv':
      return { file, format: f, items: await (await import('./users-csv.js')).openUsersCsv(file) };
    case 'alma-json': {
      const json = await import('./alma-json-read.js');
      if (isNdjson(file)) return { file, format: f, items: json.readAlmaNdjson(file) };
      return { file, format: f, items: json.readAlmaJson(file, fs.readFileSync(file, 'utf8')) };
    }
    case 'alma-xml':
      return { file, format: f, items: (await import('./alma-xml-read.js')).readAlmaXml(file, fs.readFileSync(file, 'utf8')) };
  }
}
