import { UsageError } from '../../../domain/errors.js';

/*
 * Option checks for the read-only users commands, which must not load zod (command.ts,
 * start-up): the same values pass and the same messages name a bad one as parseOptions'.
 */

/** `--status inactive`: one of `values`, compared in upper case. */
export function upperChoice<T extends string>(option: string, value: unknown, values: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  return choice(option, typeof value === 'string' ? value.trim().toUpperCase() : value, values);
}

/** One of `values`, exactly. */
export function choice<T extends string>(option: string, value: unknown, values: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (values.includes(value as T)) return value as T;
  throw new UsageError(`${option}: Invalid option: expected one of ${values.map((v) => `"${v}"`).join('|')}`);
}

/** `--limit 10`: a whole number above 0. */
export function positiveInt(option: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const bad = (message: string) => new UsageError(`${option}: ${message}`);
  if (!Number.isFinite(n)) throw bad(`Invalid input: expected number, received ${n}`);
  if (!Number.isInteger(n)) throw bad('Invalid input: expected int, received number');
  if (n > Number.MAX_SAFE_INTEGER) throw bad(`Too big: expected int to be <=${Number.MAX_SAFE_INTEGER}`);
  if (n < -Number.MAX_SAFE_INTEGER) throw bad(`Too small: expected int to be >=${-Number.MAX_SAFE_INTEGER}`);
  if (n <= 0) throw bad('Too small: expected number to be >0');
  return n;
}

/** A text option, as commander gives it. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
