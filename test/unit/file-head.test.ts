import { describe, expect, it } from 'vitest';
import { notText } from '../../src/io/file-head.js';

describe('notText', () => {
  it('takes UTF-8 text for text, also when the head ends inside a character', () => {
    expect(notText(Buffer.from('primary_id,last_name\n1,Müller\n'))).toBeUndefined();
    const cut = Buffer.from('a,b\n1,Müller');
    expect(notText(cut.subarray(0, cut.length - 5))).toBeUndefined();
  });

  it.each([
    ['a ZIP (xlsx)', Buffer.from('504b030414000600', 'hex'), 'is a spreadsheet (xlsx), not CSV'],
    ['UTF-16 big-endian', Buffer.from('feff0061', 'hex'), 'is UTF-16 text, not UTF-8'],
    ['an overlong encoding', Buffer.from('a\nb\xc0\xafc', 'latin1'), 'is not UTF-8 text (byte 0xC0 on line 2)'],
    ['a UTF-16 surrogate in UTF-8', Buffer.from('x\xed\xa0\x80y', 'latin1'), 'is not UTF-8 text (byte 0xED on line 1)'],
  ])('refuses %s', (_what, head, reason) => {
    expect(notText(head)?.reason).toBe(reason);
  });
});
