import path from 'node:path';
import yauzl from 'yauzl';
import { InputError } from '../domain/errors.js';
import type { FileStats, ReadItem } from '../domain/import-record.js';
import { notTextBytes } from './file-head.js';
import { readAlmaXml } from './alma-xml-read.js';

/**
 * A .zip of SIS XML files, as Alma's SIS loads take them. Each file is read whole (Alma's
 * readers take a file of users at a time) but one at a time, so memory is bounded by the
 * largest file allowed, not by the archive. An archive that would not end well is refused
 * before anything is written: a path that leaves the archive, an archive inside it, an
 * encrypted file, a file larger than the limit or far smaller packed than unpacked (a zip
 * bomb), too many files, or a file that is not SIS XML.
 */

export const ZIP_LIMITS = {
  /** Alma's SIS files are split at a few tens of thousands of users; one of 32 MB is about 12,000. */
  fileBytes: 32 * 1024 * 1024,
  totalBytes: 4 * 1024 * 1024 * 1024,
  files: 10_000,
  /** Real XML packs 5-20 to one; a bomb packs thousands. */
  ratio: 200,
};

const ZIP_MAGIC = Buffer.from('504b0304', 'hex');

/** Zip by the extension or by the first bytes. */
export function isZip(file: string, head: Buffer): boolean {
  return path.extname(file).toLowerCase() === '.zip' || head.subarray(0, 4).equals(ZIP_MAGIC);
}

/** Entries a zip tool adds beside the files (macOS resource forks, Finder data): not users, skipped. */
function isJunk(name: string): boolean {
  const base = name.split('/').pop() ?? '';
  return name.startsWith('__MACOSX/') || base.startsWith('._') || base === '.DS_Store' || base === 'Thumbs.db';
}

const NOTHING = 'nothing was synchronized';

function refuse(file: string, what: string, fix: string): InputError {
  return new InputError(what, { file }, `${NOTHING}; ${fix}`);
}

async function openZip(file: string): Promise<yauzl.ZipFile> {
  try {
    // The names are checked by yauzl (decodeStrings): an absolute path, `..` or `\` is an error.
    return await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: true });
  } catch (e) {
    throw refuse(file, `not a readable zip archive (${(e as Error).message})`, 'make the archive again (zip -r users.zip *.xml)');
  }
}

/** The archive's XML files, checked from its directory alone (names, sizes, count). */
async function xmlEntries(file: string, zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  const entries: yauzl.Entry[] = [];
  let total = 0;
  try {
    for await (const e of zip.eachEntry()) {
      const name = e.fileName;
      if (name.endsWith('/') || isJunk(name)) continue;
      const where = `${file}:${name}`;
      if (/\.zip$/i.test(name)) throw refuse(where, 'is an archive inside the archive', 'unpack it and give its XML files in one archive');
      if (!/\.xml$/i.test(name)) throw refuse(where, 'is not an XML file; a SIS archive holds .xml files only', 'remove it from the archive');
      if (e.isEncrypted()) throw refuse(where, 'is encrypted', 'make the archive without a password');
      if (e.uncompressedSize > ZIP_LIMITS.fileBytes) {
        throw refuse(where, `unpacks to ${e.uncompressedSize} bytes, more than ${ZIP_LIMITS.fileBytes} a file`, 'split it into several XML files (as Alma\'s SIS exports are)');
      }
      if (e.uncompressedSize > 1024 * 1024 && e.uncompressedSize > e.compressedSize * ZIP_LIMITS.ratio) {
        throw refuse(where, `unpacks to ${Math.round(e.uncompressedSize / Math.max(1, e.compressedSize))} times its packed size: not a real XML file (a zip bomb?)`, 'give the archive your SIS exported');
      }
      total += e.uncompressedSize;
      entries.push(e);
      if (entries.length > ZIP_LIMITS.files) throw refuse(file, `holds more than ${ZIP_LIMITS.files} files`, 'split it into several archives');
      if (total > ZIP_LIMITS.totalBytes) throw refuse(file, `unpacks to more than ${ZIP_LIMITS.totalBytes} bytes`, 'split it into several archives');
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw refuse(file, `is a damaged or hostile zip archive: ${(e as Error).message}`, 'make the archive again (zip -r users.zip *.xml)');
  }
  if (entries.length === 0) throw refuse(file, 'holds no .xml file', 'give an archive of SIS XML files');
  return entries;
}

/** One file of the archive, read whole but never beyond the limit, whatever its header claims. */
async function readEntry(file: string, zip: yauzl.ZipFile, e: yauzl.Entry): Promise<string> {
  const where = `${file}:${e.fileName}`;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    const stream = await zip.openReadStreamPromise(e);
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > ZIP_LIMITS.fileBytes) {
        stream.destroy();
        throw refuse(where, `unpacks to more than ${ZIP_LIMITS.fileBytes} bytes`, 'split it into several XML files');
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw refuse(where, `cannot be unpacked: ${(err as Error).message}`, 'make the archive again (zip -r users.zip *.xml)');
  }
  const bytes = Buffer.concat(chunks);
  const bad = notTextBytes(bytes);
  if (bad) throw refuse(where, bad.reason, 'export the file as UTF-8 XML');
  return bytes.toString('utf8');
}

export interface OpenedZip {
  file: string;
  format: 'zip';
  items: AsyncIterable<ReadItem>;
  stats: FileStats;
}

/**
 * Opens and checks a whole archive first (every file is unpacked and parsed once, so that a
 * bad file stops the sync before anything is written), then reads it again file by file.
 */
export async function openUserZip(file: string): Promise<OpenedZip> {
  const zip = await openZip(file);
  try {
    for (const e of await xmlEntries(file, zip)) readAlmaXml(`${file}:${e.fileName}`, await readEntry(file, zip, e), { lines: 0, records: 0, warnings: [] });
  } finally {
    zip.close();
  }
  const stats: FileStats = { lines: 0, records: 0, warnings: [] };
  return { file, format: 'zip', stats, items: readZipItems(file, stats) };
}

async function* readZipItems(file: string, stats: FileStats): AsyncGenerator<ReadItem> {
  const zip = await openZip(file);
  try {
    for (const e of await xmlEntries(file, zip)) {
      const part: FileStats = { lines: 0, records: 0, warnings: [] };
      const items = readAlmaXml(`${file}:${e.fileName}`, await readEntry(file, zip, e), part);
      stats.lines += part.lines;
      stats.records += part.records;
      stats.warnings.push(...part.warnings);
      yield* items;
    }
  } finally {
    zip.close();
  }
}
