/**
 * Typed errors of the domain. domain, store, io, mail and app throw these; only src/cli/main.ts turns them
 * into exit codes, so a new error kind is added here and mapped there, nowhere else.
 */

/** Where in an input file a problem sits, so a message can name the file, the line and the fix. */
export interface SourcePosition {
  file: string;
  line?: number;
  column?: string;
}

export abstract class AlmaUsersError extends Error {
  abstract readonly kind: 'usage' | 'input' | 'not-found' | 'permission' | 'conflict' | 'store' | 'environment';
  /** What the person should do next; printed after the message. */
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.hint = hint;
  }
}

/** The command line is wrong: a missing option, an unknown code, a bad value. */
export class UsageError extends AlmaUsersError {
  readonly kind = 'usage';
}

/** An input file cannot be used at all; nothing was written. */
export class InputError extends AlmaUsersError {
  readonly kind = 'input';
  readonly position: SourcePosition | undefined;
  constructor(message: string, position?: SourcePosition, hint?: string) {
    super(position ? `${formatPosition(position)}: ${message}` : message, hint);
    this.position = position;
  }
}

export class NotFoundError extends AlmaUsersError {
  readonly kind = 'not-found';
}

/** The operator lacks a role, or the object belongs to someone else. */
export class PermissionError extends AlmaUsersError {
  readonly kind = 'permission';
}

/** The store's state forbids it now: a running job holds the set, a name is taken. */
export class ConflictError extends AlmaUsersError {
  readonly kind = 'conflict';
}

/** The store itself is unusable: newer schema, corrupt file, unreadable path. */
export class StoreError extends AlmaUsersError {
  readonly kind = 'store';
}

/** The machine refused: a full disk, an I/O error, too many open files. Nothing of the step in progress was kept. */
export class EnvironmentError extends AlmaUsersError {
  readonly kind = 'environment';
}

/** What a file-system error means to the person who named the path. */
const SYSTEM_ERRORS: Record<string, { what: string; hint: string; environment?: true }> = {
  ENOENT: { what: 'no such file or folder', hint: 'check the path (it is read from the folder the command runs in)' },
  EACCES: { what: 'permission denied', hint: 'check the permissions of the file and of the folders above it' },
  EPERM: { what: 'operation not permitted', hint: 'check the permissions of the file and of the folders above it' },
  EISDIR: { what: 'is a folder, not a file', hint: 'name a file' },
  ENOTDIR: { what: 'a part of the path is not a folder', hint: 'check the path' },
  EEXIST: { what: 'already exists', hint: 'name another path, or remove it first' },
  ELOOP: { what: 'too many symbolic links', hint: 'check the path' },
  ENAMETOOLONG: { what: 'the name is too long', hint: 'use a shorter path' },
  EROFS: { what: 'the file system is read-only', hint: 'write to a folder on a writable disk' },
  ENOSPC: { what: 'no space left on the disk', hint: 'free some space and run the command again', environment: true },
  EDQUOT: { what: 'the disk quota is exhausted', hint: 'free some space and run the command again', environment: true },
  EIO: { what: 'input/output error', hint: 'check the disk', environment: true },
  EMFILE: { what: 'too many open files', hint: 'raise the limit (ulimit -n) or run fewer commands at once', environment: true },
};

/**
 * A Node file-system error (`ENOENT: no such file or directory, open 'x'`) as a typed error
 * naming the path: a path a person gave is wrong (exit 2), or the machine refused (exit 1).
 * Undefined for anything else.
 */
export function systemError(e: unknown): AlmaUsersError | undefined {
  if (!(e instanceof Error)) return undefined;
  const { code, path } = e as NodeJS.ErrnoException;
  const known = code ? SYSTEM_ERRORS[code] : undefined;
  if (!known) return undefined;
  const message = path ? `${path}: ${known.what}` : `${known.what} (${code})`;
  return known.environment ? new EnvironmentError(message, known.hint) : new UsageError(message, known.hint);
}

export function formatPosition(p: SourcePosition): string {
  let s = p.file;
  if (p.line !== undefined) s += `:${p.line}`;
  if (p.column !== undefined) s += ` (column ${p.column})`;
  return s;
}
