import { describe, expect, it } from 'vitest';
import { excerpt } from '../../src/domain/text.js';

describe('a value cut for a message', () => {
  it('is kept whole up to the limit and cut with an ellipsis beyond it, the result never longer than the limit', () => {
    expect(excerpt('0012345')).toBe('0012345');
    expect(excerpt('x'.repeat(60))).toBe('x'.repeat(60));
    expect(excerpt('x'.repeat(61))).toBe(`${'x'.repeat(59)}…`);
    expect(excerpt('abcdef', 4)).toBe('abc…');
  });

  it('never splits a character outside the BMP into half a surrogate pair', () => {
    // 58 letters, then U+1F600 (two UTF-16 units) across the cut at 59.
    const cut = excerpt(`${'a'.repeat(58)}\u{1F600}${'b'.repeat(10)}`);
    expect(cut).toBe(`${'a'.repeat(58)}…`);
    expect(cut).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(excerpt(`${'a'.repeat(57)}\u{1F600}${'b'.repeat(10)}`)).toBe(`${'a'.repeat(57)}\u{1F600}…`);
  });
});
