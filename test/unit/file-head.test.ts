import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { notText, notTextFile, readHead } from '../../src/io/file-head.js';
import { tempDir } from '../helpers/cli.js';

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

describe('notTextFile', () => {
  const dirs: (() => void)[] = [];
  afterEach(() => dirs.splice(0).forEach((c) => c()));
  function check(bytes: Buffer) {
    const { dir, cleanup } = tempDir();
    dirs.push(cleanup);
    const f = path.join(dir, 'f.csv');
    fs.writeFileSync(f, bytes);
    return notTextFile(f, readHead(f));
  }

  it('takes characters cut by its 1 MB chunks for what they are', () => {
    for (const shift of [0, 1, 2, 3]) {
      const fill = Buffer.alloc((1 << 20) - 2 + shift, 'a');
      expect(check(Buffer.concat([fill, Buffer.from('€😀ü\n'.repeat(4))]))).toBeUndefined();
    }
  });

  it('finds a bad byte past the head, a surrogate, and a file that ends inside a character, each with its line', () => {
    const lines = Buffer.from('x\n'.repeat(100000));
    expect(check(Buffer.concat([lines, Buffer.from('J\xfcrgen\n', 'latin1')]))?.reason).toBe('is not UTF-8 text (byte 0xFC on line 100001)');
    expect(check(Buffer.concat([lines, Buffer.from('\xed\xa0\x80', 'latin1')]))?.reason).toBe('is not UTF-8 text (byte 0xED on line 100001)');
    expect(check(Buffer.concat([lines, Buffer.from('ok\n\xe2\x82', 'latin1')]))?.reason).toBe('is not UTF-8 text (it ends inside a character, on line 100002)');
  });
});
