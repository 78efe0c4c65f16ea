/**
 * JSON as the readers need it: a syntax error placed by line and column (V8 gives a
 * character offset, or for an unexpected token none at all), and numbers kept as written
 * (JSON.parse rounds 12345678901234567890 to 12345678901234567000 and reads 0.1e2 as 10,
 * which would silently change an ID).
 */

export class JsonSyntaxError extends Error {
  constructor(
    /** What is wrong, without V8's position or quotation of the text. */
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${reason}`);
  }
}

/**
 * How deep arrays and objects may nest. An Alma user needs 5 levels (user, list, item,
 * code object); the bound keeps every reader and check that walks a value recursively far
 * from the stack's end.
 */
export const MAX_JSON_DEPTH = 64;

/** A number written in a way JSON.parse does not keep exactly stands in the parsed value as this prefix and its text. */
const INEXACT = '\u0000number:';

/** A number literal whose text String(Number(text)) does not give back (rounded, 1.50, 0.1e2, -0). */
export interface InexactNumber {
  /** Where it is: `primary_id`, `user_identifier[1].value` (list items counted from 1). */
  path: string;
  text: string;
}

const SUSPECT = /[0-9][.eE]|[0-9]{16}|-0/;
const TOKENS = /"(?:[^"\\]|\\.)*"|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/g;

/**
 * Parses JSON. A syntax error becomes a JsonSyntaxError with its line and column. A number
 * that would not read back as written is kept as a marker that inexactNumbers finds, so
 * the caller can name it; `inexact` says whether there is any.
 */
export function parseJson(text: string): { value: unknown; inexact: boolean } {
  const deep = tooDeep(text);
  if (deep !== undefined) {
    const before = text.slice(0, deep);
    throw new JsonSyntaxError(`arrays and objects nested more than ${MAX_JSON_DEPTH} deep (an Alma user needs 5)`, before.split('\n').length, deep - before.lastIndexOf('\n'));
  }
  let source = text;
  let inexact = false;
  // Most documents have no number that could be inexact; only those pay for the rewrite.
  if (SUSPECT.test(text)) {
    source = text.replace(TOKENS, (t) => {
      if (t.charCodeAt(0) === 34 || String(Number(t)) === t) return t;
      inexact = true;
      return `"\\u0000number:${t}"`;
    });
  }
  try {
    return { value: JSON.parse(source), inexact };
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    const at = errorOffset(text) ?? Number(/at position (\d+)/.exec(e.message)?.[1] ?? text.length);
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    // V8 quotes the text around the error ("Unexpected token 'S', "SECRET,PAS"... is not
    // valid JSON"): the file's own bytes, perhaps a password, are no part of the message.
    const reason = e.message.replace(/ (?:in JSON )?at position \d+[\s\S]*$/, '').replace(/^(Unexpected token '[\s\S]'),[\s\S]*$/u, '$1');
    throw new JsonSyntaxError(reason, line, at - before.lastIndexOf('\n'));
  }
}

/**
 * The offset of the bracket that opens a level deeper than MAX_JSON_DEPTH, or undefined;
 * strings are skipped, so brackets in text do not count.
 */
function tooDeep(t: string): number | undefined {
  const special = /[[\]{}"]/g;
  let depth = 0;
  for (let m = special.exec(t); m; m = special.exec(t)) {
    const c = m[0];
    if (c === '"') {
      let i = m.index + 1;
      for (;;) {
        const q = t.indexOf('"', i);
        if (q < 0) return undefined;
        let slashes = 0;
        while (t.charCodeAt(q - 1 - slashes) === 92) slashes++;
        i = q + 1;
        if (slashes % 2 === 0) break;
      }
      special.lastIndex = i;
    } else if (c === '[' || c === '{') {
      if (++depth > MAX_JSON_DEPTH) return m.index;
    } else depth--;
  }
  return undefined;
}

/** Why a record with this number is refused, and the fix. */
export function describeInexact(n: InexactNumber): string {
  return `${n.path}: the number ${n.text} cannot be read exactly as a JSON number; write it as a JSON string: "${n.text}"`;
}

/** The numbers of a parsed value that were not kept as written, with their paths. */
export function inexactNumbers(value: unknown, path = ''): InexactNumber[] {
  if (typeof value === 'string') return value.startsWith(INEXACT) ? [{ path, text: value.slice(INEXACT.length) }] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => inexactNumbers(v, `${path}[${i + 1}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => inexactNumbers(v, path ? `${path}.${k}` : k));
  }
  return [];
}

/**
 * The offset of the first syntax error, found by a small recursive-descent reader (V8's
 * message for an unexpected token gives none). Undefined when it finds none, or the
 * nesting is too deep for it.
 */
function errorOffset(t: string): number | undefined {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const ws = () => {
    while (i < t.length && (t[i] === ' ' || t[i] === '\t' || t[i] === '\n' || t[i] === '\r')) i++;
  };
  const literal = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null/y;
  const string = () => {
    i++;
    for (;;) {
      if (i >= t.length) fail();
      const c = t.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c < 32) fail();
      if (c !== 92) {
        i++;
        continue;
      }
      const e = t[i + 1];
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(t.slice(i + 2, i + 6))) i += 6;
      else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
      else {
        i++;
        fail();
      }
    }
  };
  const value = (): void => {
    ws();
    const c = t[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (t[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          ws();
          if (t[i] !== '"') fail();
          string();
          ws();
          if (t[i] !== ':') fail();
          i++;
        }
        value();
        ws();
        if (t[i] === ',') i++;
        else if (t[i] === close) {
          i++;
          return;
        } else fail();
      }
    }
    if (c === '"') return string();
    literal.lastIndex = i;
    if (literal.exec(t)) i = literal.lastIndex;
    else fail();
  };
  try {
    value();
    ws();
    if (i < t.length) fail();
    return undefined;
  } catch (e) {
    if (typeof e === 'number') return e;
    return undefined;
  }
}
