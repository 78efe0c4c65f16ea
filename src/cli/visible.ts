/** Control characters but tab and line feed: ESC and its kin would drive the terminal. */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text for a terminal or a log: C0 and C1 control characters (ESC, CR, DEL, NUL...) are
 * shown as escapes (`\x1b`) instead of reaching the terminal; tabs and line breaks stay.
 * JSON, NDJSON and CSV output keep values exact; tables, plain output and messages use
 * this. Its own module, as main.ts and program.ts load it at start-up.
 */
export function visible(s: string): string {
  return s.replace(CONTROLS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
