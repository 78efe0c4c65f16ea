import { describe, expect, it } from 'vitest';
import { inexactNumbers, JsonSyntaxError, parseJson } from '../../src/io/json-text.js';

function syntaxError(text: string): JsonSyntaxError {
  try {
    parseJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return e;
    throw e;
  }
  throw new Error('parsed');
}

describe('parseJson', () => {
  it.each([
    // V8 gives no position for an unexpected token; the reader finds it.
    ['{\n  "a": }', 2, 8, "Unexpected token '}'"],
    ['{"a":1,}', 1, 8, 'Expected double-quoted property name'],
    ['[1 2]', 1, 4, "Expected ',' or ']' after array element"],
    ['{"a": "b\nc"}', 1, 9, 'Bad control character in string literal'],
    ['{"primary_id": ', 1, 16, 'Unexpected end of JSON input'],
    ['\n\n  [1]x', 3, 6, 'Unexpected non-whitespace character after JSON'],
  ])('places the error in %j by line and column', (text, line, column, reason) => {
    const e = syntaxError(text);
    expect({ line: e.line, column: e.column, reason: e.reason }).toEqual({ line, column, reason });
  });

  it('keeps numbers that read back as written, and marks the others with their text and path', () => {
    const text = '{"a": 12, "b": -3, "c": 1.5, "d": [12345678901234567890, 0.1e2, 1.50, -0], "e": "1.0e5 in a string", "f": 9007199254740993}';
    const { value, inexact } = parseJson(text);
    expect(inexact).toBe(true);
    expect(value).toMatchObject({ a: 12, b: -3, c: 1.5, e: '1.0e5 in a string' });
    expect(inexactNumbers(value)).toEqual([
      { path: 'd[1]', text: '12345678901234567890' },
      { path: 'd[2]', text: '0.1e2' },
      { path: 'd[3]', text: '1.50' },
      { path: 'd[4]', text: '-0' },
      { path: 'f', text: '9007199254740993' },
    ]);
    expect(parseJson('{"a": "x.y@z1.org", "b": 9007199254740991}')).toEqual({ value: { a: 'x.y@z1.org', b: 9007199254740991 }, inexact: false });
  });

  it('refuses nesting deeper than 64 levels without walking it, brackets inside strings aside', () => {
    const deep = `{"primary_id": "1", "x": ${'['.repeat(100000)}${']'.repeat(100000)}}`;
    const e = syntaxError(deep);
    expect({ line: e.line, column: e.column, reason: e.reason }).toEqual({ line: 1, column: 89, reason: 'arrays and objects nested more than 64 deep (an Alma user needs 5)' });
    const quoted = { a: `${'['.repeat(100)}\\"`, b: [[1]] };
    expect(parseJson(JSON.stringify(quoted)).value).toEqual(quoted);
  });

  it("never quotes the file's text in a reason", () => {
    expect(syntaxError('SECRET,PASSWORD\nline2').reason).toBe("Unexpected token 'S'");
    expect(syntaxError('{"primary_id":"SECRET123", "x": undefined}').reason).toBe("Unexpected token 'u'");
  });
});
