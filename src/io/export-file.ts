import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../domain/errors.js';

/** A file written whole or not at all: written beside its target and renamed over it at the end. */
export interface ExportFile {
  write(text: string): void;
  /** Puts the complete file in place. */
  commit(): void;
  /** Removes what was written; the target is left as it was. */
  abort(): void;
}

/**
 * Opens `-o FILE` of an export. The target is checked before a single user is read, so that
 * a typo costs nothing: its folder must exist and it must not be a folder itself.
 * `given` is the path as typed, for messages; `exampleName` a file name to suggest.
 */
export function openExportFile(given: string, target: string, exampleName: string): ExportFile {
  const dir = path.dirname(target);
  if (fs.statSync(target, { throwIfNoEntry: false })?.isDirectory()) {
    throw new UsageError(`-o ${given}: is a folder, not a file`, `name a file to write, e.g. -o ${path.join(given, exampleName)}`);
  }
  const parent = fs.statSync(dir, { throwIfNoEntry: false });
  if (!parent) throw new UsageError(`-o ${given}: the folder ${dir} does not exist`, `create it first (mkdir -p ${dir}) or name a file in an existing folder`);
  if (!parent.isDirectory()) throw new UsageError(`-o ${given}: ${dir} is not a folder`, 'name a file in an existing folder');
  const tmp = `${target}.${process.pid}.tmp`;
  let fd: number;
  try {
    fd = fs.openSync(tmp, 'w', 0o600);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new UsageError(`-o ${given}: cannot write in the folder ${dir} (${code})`, 'name a file in a folder you may write to');
  }
  let open = true;
  const close = () => {
    if (open) fs.closeSync(fd);
    open = false;
  };
  return {
    write: (text) => void fs.writeSync(fd, text),
    commit() {
      close();
      fs.renameSync(tmp, target);
    },
    abort() {
      try {
        close();
      } catch {
        // The export's own error is the one to report.
      }
      fs.rmSync(tmp, { force: true });
    },
  };
}
