import { isIsoDate } from './dates.js';
import { UsageError } from './errors.js';

/**
 * The words, strings, dates, amounts and operators of a query (query.ts), each with where
 * it stands in the text, so that an error can point at it.
 */

export type TokenKind = 'word' | 'string' | 'date' | 'amount' | 'op' | 'end';

export interface Token {
  kind: TokenKind;
  text: string;
  pos: number;
  end: number;
}

const OPS = ['!=', '<>', '<=', '>=', '=', '<', '>', '(', ')', ',', '+', '-'];

/** The tokens of a query, ending with an `end` token; throws UsageError (exit 2) at an unreadable character. */
export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '"' || c === "'") {
      let text = '';
      i++;
      for (;;) {
        if (i >= src.length) throw queryError(src, start, src.length, 'unterminated string', `close it with ${c}`);
        const d = src[i]!;
        if (d === '\\' && i + 1 < src.length) {
          text += src[i + 1];
          i += 2;
        } else if (d === c) {
          i++;
          break;
        } else {
          text += d;
          i++;
        }
      }
      tokens.push({ kind: 'string', text, pos: start, end: i });
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^\d{4}-\d{2}-\d{2}(?![\w-])/.exec(src.slice(i)) ?? /^\d+[A-Za-z]*/.exec(src.slice(i))!;
      i += m[0].length;
      const isDate = m[0].includes('-');
      if (isDate && !isIsoDate(m[0])) throw queryError(src, start, i, `${m[0]} is not a calendar date`, 'write dates as YYYY-MM-DD');
      tokens.push({ kind: isDate ? 'date' : 'amount', text: m[0], pos: start, end: i });
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      i += m[0].length;
      tokens.push({ kind: 'word', text: m[0], pos: start, end: i });
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw queryError(src, start, start + 1, `unexpected character ${JSON.stringify(c)}`, 'strings are quoted: "like this"');
    i += op.length;
    tokens.push({ kind: 'op', text: op === '<>' ? '!=' : op, pos: start, end: i });
  }
  tokens.push({ kind: 'end', text: '', pos: src.length, end: src.length });
  return tokens;
}

/** A UsageError whose message shows the query with carets under the offending part. */
export function queryError(src: string, pos: number, end: number, message: string, hint?: string): UsageError {
  const shown = src.replace(/[\t\r\n]/g, ' ');
  const width = Math.max(1, Math.min(end, shown.length + 1) - pos);
  return new UsageError(`query: ${message} (at position ${pos + 1})\n  ${shown}\n  ${' '.repeat(pos)}${'^'.repeat(width)}`, hint);
}

/** A token as an error message names it. */
export function describe(t: Token): string {
  if (t.kind === 'end') return 'the end of the query';
  if (t.kind === 'string') return `the string ${JSON.stringify(t.text)}`;
  return t.text;
}

