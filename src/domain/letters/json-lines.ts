import { InputError } from '../errors.js';

/**
 * JSON.parse, plus the line on which each value starts, so that a message about a label
 * can name the line of its file. Paths are the keys and indexes joined by '/'
 * ('types/GENERAL_MESSAGE/lines/0').
 */
export interface LocatedJson {
  value: unknown;
  lineOf(path: (string | number)[]): number | undefined;
}

export function parseJsonWithLines(text: string, file: string): LocatedJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const at = /position (\d+)/.exec(message);
    const line = at ? lineAt(text, Number(at[1])) : undefined;
    throw new InputError(`not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`, { file, line },
      'check the quotes and commas around that line');
  }
  const lines = new Map<string, number>();
  scan(text, lines);
  return { value, lineOf: (path) => lines.get(path.join('/')) };
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Walks valid JSON once, recording the line where each value starts. */
function scan(text: string, out: Map<string, number>): void {
  let i = 0;
  let line = 1;
  const skipSpace = () => {
    while (i < text.length) {
      const c = text[i]!;
      if (c === '\n') line++;
      else if (c !== ' ' && c !== '\t' && c !== '\r') return;
      i++;
    }
  };
  const readString = (): string => {
    const start = i;
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string[]): void => {
    skipSpace();
    out.set(path.join('/'), line);
    const c = text[i];
    if (c === '{') {
      i++;
      skipSpace();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        skipSpace();
        const key = readString();
        skipSpace();
        i++; // ':'
        value([...path, key]);
        skipSpace();
        if (text[i++] === '}') return; // else ','
      }
    } else if (c === '[') {
      i++;
      skipSpace();
      if (text[i] === ']') { i++; return; }
      for (let n = 0; ; n++) {
        value([...path, String(n)]);
        skipSpace();
        if (text[i++] === ']') return;
      }
    } else if (c === '"') {
      readString();
    } else {
      while (i < text.length && !/[\s,\]}]/.test(text[i]!)) i++;
    }
  };
  value([]);
}
