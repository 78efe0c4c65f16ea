import { isUtf8 } from 'node:buffer';
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

/** A line break of any kind: CRLF, LF, or a lone CR (classic Mac, some exports). */
export const LINE_BREAK = /\r\n|\r|\n/;

/** The first line, as the CSV reader sees it (csv-read.ts picks its delimiter from it). */
export function firstLine(head: Buffer): string {
  return headText(head).split(LINE_BREAK, 1)[0] ?? '';
}

const ZIP = Buffer.from('504b0304', 'hex');
const OLE2 = Buffer.from('d0cf11e0a1b11ae1', 'hex');

/**
 * Why a file that should be text (CSV, JSON, XML) is not, judged from its head: a
 * spreadsheet (xlsx is a ZIP, xls an OLE2 compound file), UTF-16 text (Excel's "Unicode
 * Text"), NUL bytes, or bytes that are not UTF-8 (a legacy code page such as Windows-1252).
 * Undefined for UTF-8 text.
 */
export function notText(head: Buffer): { reason: string; fix: string; nul?: number } | undefined {
  const saveAsCsv = SAVE_AS_CSV;
  if (head.subarray(0, 4).equals(ZIP)) return { reason: 'is a spreadsheet (xlsx), not CSV', fix: saveAsCsv };
  if (head.subarray(0, 8).equals(OLE2)) return { reason: 'is a spreadsheet (Excel 97-2003 xls), not CSV', fix: saveAsCsv };
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    return { reason: 'is UTF-16 text, not UTF-8', fix: `${SAVE_AS_UTF8}, or convert it: iconv -f UTF-16 -t UTF-8 FILE > NEW-FILE` };
  }
  const nul = head.indexOf(0);
  if (nul >= 0) return nulByte(nul);
  const bad = firstInvalidUtf8(head);
  return bad === undefined ? undefined : notUtf8(head[bad]!, lineOf(head, bad));
}

/** `nul`: the NUL byte's place (1 = the first byte), for readers that word it their way. */
function nulByte(offset: number): { reason: string; fix: string; nul: number } {
  return { reason: `is not a text file (a NUL byte at byte ${offset + 1})`, fix: 'give a CSV, Alma JSON or Alma XML file', nul: offset + 1 };
}

/** notText for a whole file held in memory (a member of a ZIP archive): its end is the file's end. */
export function notTextBytes(bytes: Buffer): { reason: string; fix: string } | undefined {
  const why = notText(bytes.subarray(0, CHUNK));
  // The native checks first; the exact place of a problem only when there is one.
  if (why || (bytes.indexOf(0) < 0 && isUtf8(bytes))) return why;
  return notText(bytes) ?? notUtf8(undefined, lineOf(bytes, bytes.length));
}

function notUtf8(byte: number | undefined, line: number): { reason: string; fix: string } {
  return {
    reason: byte === undefined ? `is not UTF-8 text (it ends inside a character, on line ${line})` : `is not UTF-8 text (byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')} on line ${line})`,
    fix: `it is probably in a legacy encoding such as Windows-1252: ${SAVE_AS_UTF8}, or convert it: iconv -f WINDOWS-1252 -t UTF-8 FILE > NEW-FILE`,
  };
}

const SAVE_AS_CSV = 'save it as CSV UTF-8 (in Excel: File > Save As > "CSV UTF-8 (Comma delimited)") and import that file';
/** The same for any text file: a JSON or XML file is saved as UTF-8 by its editor, not by Excel. */
const SAVE_AS_UTF8 = 'save it as UTF-8 (a CSV from Excel: File > Save As > "CSV UTF-8 (Comma delimited)"; JSON or XML: the editor\'s UTF-8 encoding)';

/**
 * notText for the whole file, not only its head: a byte that is not UTF-8 after the first
 * 64 kB (one row of a legacy code page in a long UTF-8 file) would otherwise be read as
 * U+FFFD and stored (Jürgen as J\uFFFDrgen). The rest is checked in 1 MB chunks, natively (isUtf8).
 */
export function notTextFile(file: string, head: Buffer): { reason: string; fix: string; nul?: number } | undefined {
  const why = notText(head);
  if (why || head.length < CHUNK) return why;
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    let carry = 0;
    let at = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, carry, buf.length - carry, at + carry);
      const end = n === 0 ? carry : carry + n;
      // The chunk is checked up to its last whole character; the rest is carried over.
      const whole = n === 0 ? end : completeUpTo(buf, end);
      // A NUL byte is no text wherever it is, as in the head.
      const nul = buf.subarray(0, whole).indexOf(0);
      if (nul >= 0) return nulByte(at + nul);
      if (!isUtf8(buf.subarray(0, whole))) {
        // undefined: the file ends inside a character.
        const bad = firstInvalidUtf8(buf.subarray(0, whole));
        return notUtf8(bad === undefined ? undefined : buf[bad], lineAtOffset(fd, at + (bad ?? whole)));
      }
      if (n === 0) return undefined;
      buf.copy(buf, 0, whole, end);
      carry = end - whole;
      at += whole;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Where the last character that may be cut by the end of the buffer begins. */
function completeUpTo(b: Buffer, end: number): number {
  for (let i = end - 1; i >= Math.max(0, end - 3); i--) {
    const c = b[i]!;
    if (c < 0x80) return end;
    if (c >= 0xc0) {
      const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      return i + need > end ? i : end;
    }
  }
  return end;
}

function lineAtOffset(fd: number, offset: number): number {
  const buf = Buffer.alloc(1 << 20);
  let line = 1;
  for (let at = 0; at < offset; ) {
    const n = fs.readSync(fd, buf, 0, Math.min(buf.length, offset - at), at);
    if (n === 0) break;
    for (let k = buf.indexOf(10); k >= 0 && k < n; k = buf.indexOf(10, k + 1)) line++;
    at += n;
  }
  return line;
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
