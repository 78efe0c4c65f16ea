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
  abstract readonly kind: 'usage' | 'input' | 'not-found' | 'permission' | 'conflict' | 'store';
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

export function formatPosition(p: SourcePosition): string {
  let s = p.file;
  if (p.line !== undefined) s += `:${p.line}`;
  if (p.column !== undefined) s += ` (column ${p.column})`;
  return s;
}
