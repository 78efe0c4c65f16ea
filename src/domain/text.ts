/**
 * Text that a value typed by a person may not hold: C0 and C1 control characters (ESC, NUL,
 * CR, DEL...) would be obeyed by a terminal or break a letter's headers, and a lone surrogate
 * cannot be written as UTF-8 at all.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f]|\p{Cs}/u;

/**
 * The first character of `text` that it may not hold, as `U+001B`, or undefined when there
 * is none. `allowed` lists control characters that this value may carry (a postal address's
 * line breaks).
 */
export function unprintableIn(text: string, allowed = ''): string | undefined {
  const m = UNPRINTABLE.exec(allowed ? text.replace(new RegExp(`[${allowed}]`, 'g'), ' ') : text);
  return m ? `U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : undefined;
}

/**
 * A value cut to `max` characters for a message or a report, marked with an ellipsis: a
 * 10 MB line read as one value must not come back whole on a terminal. A surrogate pair is
 * never split.
 */
export function excerpt(s: string, max = 60): string {
  if (s.length <= max) return s;
  const head = s.slice(0, max - 1);
  return `${/[\ud800-\udbff]$/.test(head) ? head.slice(0, -1) : head}…`;
}
