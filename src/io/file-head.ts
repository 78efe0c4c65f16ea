import fs from 'node:fs';
import { InputError } from '../domain/errors.js';

/**
 * The start of an input file, read once by the readers that decide what a file is (its
 * format, its delimiter, whether it is text at all) before they stream it.
 */

const CHUNK = 64 * 1024;

/**
 * Reads from the start of `file` in chunks of 64 kB until `enough`, shown each chunk in
 * turn, says so, or the file ends; the default is one chunk. `display` is the name
 * messages give the file.
 */
export function readHead(file: string, display = file, enough: (chunk: Buffer) => boolean = () => true): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw unreadable(e as NodeJS.ErrnoException, display);
  }
  try {
    if (fs.fstatSync(fd).isDirectory()) throw new InputError('is a folder, not a file', { file: display });
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.alloc(CHUNK);
      const n = fs.readSync(fd, buf, 0, CHUNK, total);
      const chunk = buf.subarray(0, n);
      chunks.push(chunk);
      total += n;
      if (n < CHUNK || enough(chunk)) return chunks.length === 1 ? chunk : Buffer.concat(chunks);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Why a file cannot be opened, in words, with what to do; the system's code stays at the end for searching. */
function unreadable(e: NodeJS.ErrnoException, display: string): InputError {
  const why: Record<string, [string, string]> = {
    ENOENT: ['no such file', 'check the name and folder (a relative path is read from the current folder)'],
    EACCES: ['permission denied', 'make the file readable for this user (ls -l shows who may read it)'],
    EPERM: ['permission denied', 'make the file readable for this user (ls -l shows who may read it)'],
    ENOTDIR: ['a folder in its path is a file', 'check the path'],
    ELOOP: ['too many symbolic links in its path', 'check the path'],
  };
  const [what, fix] = why[e.code ?? ''] ?? [e.message, 'check the file'];
  return new InputError(`cannot read the file: ${what}${e.code ? ` (${e.code})` : ''}`, { file: display }, fix);
}

/** The head as text: UTF-8 without its byte-order mark. */
export function headText(head: Buffer): string {
  return head.toString('utf8').replace(/^\uFEFF/, '');
}

const ZIP = Buffer.from('504b0304', 'hex');
const OLE2 = Buffer.from('d0cf11e0a1b11ae1', 'hex');

/**
 * Why a file that should be text (CSV, JSON, XML) is not, judged from its head: a
 * spreadsheet (xlsx is a ZIP, xls an OLE2 compound file), UTF-16 text (Excel's "Unicode
 * Text"), NUL bytes, or bytes that are not UTF-8 (a legacy code page such as Windows-1252).
 * Undefined for UTF-8 text.
 */
export function notText(head: Buffer): { reason: string; fix: string } | undefined {
  const saveAsCsv = 'save it as CSV UTF-8 (in Excel: File > Save As > "CSV UTF-8 (Comma delimited)") and import that file';
  if (head.subarray(0, 4).equals(ZIP)) return { reason: 'is a spreadsheet (xlsx), not CSV', fix: saveAsCsv };
  if (head.subarray(0, 8).equals(OLE2)) return { reason: 'is a spreadsheet (Excel 97-2003 xls), not CSV', fix: saveAsCsv };
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    return { reason: 'is UTF-16 text, not UTF-8', fix: saveAsCsv };
  }
  const nul = head.indexOf(0);
  if (nul >= 0) return { reason: `is not a text file (a NUL byte at byte ${nul + 1})`, fix: 'give a CSV, Alma JSON or Alma XML file' };
  const bad = firstInvalidUtf8(head);
  if (bad !== undefined) {
    const line = lineOf(head, bad);
    return {
      reason: `is not UTF-8 text (byte 0x${head[bad]!.toString(16).toUpperCase()} on line ${line})`,
      fix: `it is probably in a legacy encoding such as Windows-1252: ${saveAsCsv}, or convert it (iconv -f WINDOWS-1252 -t UTF-8)`,
    };
  }
  return undefined;
}

/** The offset of the first byte that is not valid UTF-8; a sequence cut by the end of the head is not counted. */
function firstInvalidUtf8(b: Buffer): number | undefined {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    if (i + n >= b.length) return undefined;
    for (let k = 1; k <= n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    // Overlong forms and surrogates, which a strict decoder refuses too.
    const c1 = b[i + 1]!;
    if ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 > 0x9f) || (c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 > 0x8f)) return i;
    i += n + 1;
  }
  return undefined;
}

function lineOf(b: Buffer, offset: number): number {
  let line = 1;
  for (let i = b.indexOf(10); i >= 0 && i < offset; i = b.indexOf(10, i + 1)) line++;
  return line;
}
