import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CSV_OPTIONS } from '../../src/io/csv-read.js';
import { lineEndOf, QuotelessRecords } from '../../src/io/csv-split.js';

/** Text without quotes, made of what decides where csv-parse cuts: line breaks of every kind, delimiters, a BOM, blanks. */
const quoteless = fc
  .tuple(
    fc.boolean(),
    fc.array(fc.constantFrom('a', 'Zoë', '0042', ' ', ',', ';', '\t', '\n', '\r', '\r\n', '\uFEFF', "'", ''), { maxLength: 40 }),
  )
  .map(([bom, parts]) => (bom ? '\uFEFF' : '') + parts.join(''));

/** The text cut into chunks at the given places (as the file stream hands it over). */
function chunks(text: string, cuts: number[]): string[] {
  const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((x, y) => x - y);
  return [...at, text.length].map((end, i) => text.slice(i === 0 ? 0 : at[i - 1], end));
}

function split(text: string, delimiter: string, lineEnd: string, cuts: number[]): string[][] {
  const records = new QuotelessRecords(delimiter, lineEnd);
  return [...chunks(text, cuts).flatMap((c) => records.push(c)), ...records.end()];
}

describe('QuotelessRecords', () => {
  it('cuts any text without a quote into the records csv-parse reads, however the text comes in chunks', () => {
    fc.assert(
      fc.property(quoteless, fc.constantFrom(',', ';', '\t'), fc.array(fc.nat(), { maxLength: 6 }), (text, delimiter, cuts) => {
        const lineEnd = lineEndOf(text.replace(/^\uFEFF/, ''));
        // The reader leaves a text whose line end is not certain to csv-parse.
        fc.pre(lineEnd !== undefined);
        expect(split(text, delimiter, lineEnd!, cuts)).toEqual(parse(text, { ...CSV_OPTIONS, delimiter }));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps a line break other than the file\'s first inside the value, as csv-parse does', () => {
    expect(split('a,b\r\nc\nd,e\r\n', ',', '\r\n', [5])).toEqual([['a', 'b'], ['c\nd', 'e']]);
    expect(split('a,b\nc,d\r\n', ',', '\n', [])).toEqual([['a', 'b'], ['c', 'd\r']]);
  });

  it('finds a line end that a chunk splits in two', () => {
    expect(split('a\r\nb\r\nc', ',', '\r\n', [2, 5])).toEqual([['a'], ['b'], ['c']]);
  });

  it('gives a record of many megabytes, sent in 64 KB chunks, whole and once', () => {
    // A CRLF header over LF rows (two files put together with cat): csv-parse, too, reads the rest as one record.
    const rows = Array.from({ length: 100_000 }, (_, i) => `u${i},Ada`).join('\n');
    const text = `primary_id,first_name\r\n${rows}\r\n`;
    const cuts = Array.from({ length: Math.ceil(text.length / 65_536) }, (_, i) => i * 65_536);
    const got = split(text, ',', '\r\n', cuts);
    expect(got).toEqual(parse(text, { ...CSV_OPTIONS, delimiter: ',' }));
    expect(got).toHaveLength(2);
    expect(got[1]![got[1]!.length - 1]).toBe('Ada');
  });
});

describe('lineEndOf', () => {
  it('takes the first line break of the text, and none from a lone \\r at its end', () => {
    expect(lineEndOf('a,b\r\nc\nd')).toBe('\r\n');
    expect(lineEndOf('a,b\nc\r\n')).toBe('\n');
    expect(lineEndOf('a\rb')).toBe('\r');
    expect(lineEndOf('a,b\r')).toBeUndefined();
    expect(lineEndOf('a,b')).toBeUndefined();
  });
});
