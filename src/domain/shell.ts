/**
 * A word as a POSIX shell reads it: as it is when it holds nothing the shell would
 * interpret, else in single quotes. For commands that messages suggest and the demo shows,
 * so that a code with a space or a quote can be pasted as it is.
 */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
