import { UsageError } from '../domain/errors.js';

/*
 * The command line's option checks that need no schema: a count (--limit) and one of a few
 * words (--status, --index). Read-only commands use them rather than zod (start-up time,
 * command.ts), and parseOptions words zod's findings about such options the same way, so a
 * person reads one message whichever command they ran: the option, the value they gave,
 * and what to give instead.
 */

/** How a value given on the command line is quoted back: as typed, or "" when empty. */
export function given(value: unknown): string {
  const s = String(value);
  return s.trim() === '' ? '""' : s;
}

/** `--limit abc`: not a whole number above 0. */
export function notCount(option: string, value: unknown): UsageError {
  return new UsageError(`${option} ${given(value)}: not a whole number above 0`, `give a count, e.g. ${option} 50`);
}

/** `--status retired`: not one of the words the option takes. */
export function notChoice(option: string, value: unknown, values: readonly string[]): UsageError {
  return new UsageError(`${option} ${given(value)}: not one of ${values.join(', ')}`, `e.g. ${option} ${values[0] ?? ''}`);
}

/** `--limit 10`: a whole number above 0, written in decimal digits. */
export function positiveInt(option: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const s = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^\d+$/.test(s)) throw notCount(option, value);
  const n = Number(s);
  if (n <= 0 || !Number.isSafeInteger(n)) throw notCount(option, value);
  return n;
}

/** One of `values`, exactly. */
export function choice<T extends string>(option: string, value: unknown, values: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (values.includes(value as T)) return value as T;
  throw notChoice(option, value, values);
}

/** `--status inactive`: one of `values`, compared in upper case. */
export function upperChoice<T extends string>(option: string, value: unknown, values: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  const v = typeof value === 'string' ? value.trim().toUpperCase() : value;
  if (values.includes(v as T)) return v as T;
  throw notChoice(option, value, values);
}

/** A text option, as commander gives it. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A text option that, when given, may not be blank (`--job ""`); trimmed. */
export function nonBlank(option: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  if (!t) throw new UsageError(`${option} may not be empty`, `give a value, or leave ${option} out`);
  return t;
}

/**
 * What an empty listing says: "no users match --job-category Cataloger --status INACTIVE",
 * the options given among `flags` as typed (a switch by its name), or "no users" when none was.
 */
export function noneMatch(noun: string, opts: Record<string, unknown>, flags: string[]): string {
  const given = flags.flatMap((flag) => {
    const v = opts[flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())];
    if (v === undefined || v === false) return [];
    if (v === true) return [flag];
    const s = String(v);
    return [`${flag} ${/^[\w@.:+-]+$/.test(s) ? s : `'${s}'`}`];
  });
  return given.length ? `no ${noun} match ${given.join(' ')}` : `no ${noun}`;
}
