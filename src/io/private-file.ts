import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../domain/errors.js';

/**
 * Every file that may hold personal data (exports, dry-run previews, letter previews,
 * reports) is written through here: created 0600, and written whole or not at all, beside
 * its target and renamed over it at the end, so a failed run never leaves half a file.
 * A target that is not a plain file is honoured as it is: a character device (/dev/null,
 * /dev/stdout) or a FIFO is written through, never replaced by a file of the same name; a
 * symbolic link stays a link and what it points to is written. A block device (a disk)
 * or a socket is refused.
 */
export interface PrivateFile {
  write(text: string): void;
  /** Puts the complete file in place. */
  commit(): void;
  /** Removes what was written; a plain-file target is left as it was. */
  abort(): void;
}

/** How the command line named the file, for messages: `-o`, `--preview-file`, `--html`, and the path as typed. */
export interface Named {
  option: string;
  given: string;
  /** A file name to suggest when a folder is named. */
  example: string;
}

function failed(n: Named, what: string, e: unknown, hint: string): UsageError {
  const err = e as NodeJS.ErrnoException;
  return new UsageError(`${n.option} ${n.given}: ${what} (${err.code ?? err.message})`, hint);
}

/**
 * Opens `target` (the resolved path of `n.given`). Checked before anything is read, so
 * that a typo costs nothing: its folder must exist and it must not be a folder itself.
 */
export function openPrivateFile(n: Named, target: string): PrivateFile {
  const link = fs.lstatSync(target, { throwIfNoEntry: false });
  if (link?.isSymbolicLink()) {
    let real: string;
    try {
      real = fs.realpathSync(target);
    } catch (e) {
      throw failed(n, `is a symbolic link to ${fs.readlinkSync(target)}, which cannot be followed`, e, 'name the file itself, or create what the link points to');
    }
    return openPrivateFile(n, real);
  }
  const stat = link && fs.statSync(target);
  if (stat?.isDirectory()) {
    throw new UsageError(`${n.option} ${n.given}: is a folder, not a file`, `name a file to write, e.g. ${n.option} ${path.join(n.given, n.example)}`);
  }
  if (stat?.isBlockDevice() || stat?.isSocket()) {
    throw new UsageError(`${n.option} ${n.given}: is a ${stat.isSocket() ? 'socket' : 'block device (a disk)'}, not a file`, 'name a plain file to write');
  }
  if (stat && !stat.isFile()) return writeThrough(n, target);
  const dir = path.dirname(target);
  const parent = fs.statSync(dir, { throwIfNoEntry: false });
  if (!parent) throw new UsageError(`${n.option} ${n.given}: the folder ${dir} does not exist`, `create it first (mkdir -p ${dir}) or name a file in an existing folder`);
  if (!parent.isDirectory()) throw new UsageError(`${n.option} ${n.given}: ${dir} is not a folder`, 'name a file in an existing folder');
  const tmp = `${target}.${process.pid}.tmp`;
  let fd: number;
  try {
    // Exclusive: never through a link planted under the temporary name. One left by a run
    // that was killed (in a container every run may be pid 1) is removed first.
    fs.rmSync(tmp, { force: true });
    fd = fs.openSync(tmp, 'wx', 0o600);
  } catch (e) {
    throw failed(n, `cannot write in the folder ${dir}`, e, 'name a file in a folder you may write to');
  }
  const file = descriptor(n, fd);
  return {
    write: file.write,
    commit() {
      file.close();
      try {
        fs.renameSync(tmp, target);
      } catch (e) {
        fs.rmSync(tmp, { force: true });
        throw failed(n, 'cannot put the file in place', e, 'name a file in a folder you may write to');
      }
    },
    abort() {
      file.close(true);
      fs.rmSync(tmp, { force: true });
    },
  };
}

/** A device or FIFO, opened as it is: what it does with the text is its own affair. */
function writeThrough(n: Named, target: string): PrivateFile {
  let fd: number;
  try {
    fd = fs.openSync(target, 'w');
  } catch (e) {
    throw failed(n, 'cannot open it for writing', e, 'name a file you may write to');
  }
  const file = descriptor(n, fd);
  return { write: file.write, commit: () => file.close(), abort: () => file.close(true) };
}

function descriptor(n: Named, fd: number): { write(text: string): void; close(quiet?: boolean): void } {
  let open = true;
  return {
    write(text) {
      try {
        const bytes = Buffer.from(text);
        for (let at = 0; at < bytes.length; ) at += fs.writeSync(fd, bytes, at);
      } catch (e) {
        throw failed(n, 'cannot write', e, 'free some space, or name a file elsewhere');
      }
    },
    close(quiet = false) {
      if (!open) return;
      open = false;
      try {
        fs.closeSync(fd);
      } catch (e) {
        // On abort the run's own error is the one to report.
        if (!quiet) throw failed(n, 'cannot write', e, 'free some space, or name a file elsewhere');
      }
    },
  };
}

/** Writes `text` as one private file. */
export function writePrivateFile(n: Named, target: string, text: string): void {
  const file = openPrivateFile(n, target);
  try {
    file.write(text);
    file.commit();
  } catch (e) {
    file.abort();
    throw e;
  }
}
