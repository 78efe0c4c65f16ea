import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CHECK_VALID_MS, checkedRecently, forgetCheck, stampChecked } from '../../src/store/check-stamp.js';
import { tempDir } from '../helpers/cli.js';

/**
 * When a writing command may skip checking the store's pages: only when the file is exactly
 * as an alma-users command left it after a check less than a day old. Real files; each way
 * of touching the file must bring the check back.
 */

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function stampedStore(): { file: string; at: string; now: Date } {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const file = path.join(dir, 'store.db');
  fs.writeFileSync(file, Buffer.alloc(8192, 1));
  const now = new Date();
  const at = now.toISOString();
  stampChecked(file, at);
  return { file, at, now };
}

describe('a store checked by a command that closed it', () => {
  it('is vouched for while nothing else touched it', () => {
    const { file, at, now } = stampedStore();
    expect(checkedRecently(file, now)).toBe(at);
    expect(fs.statSync(`${file}-checked`).mode & 0o777).toBe(0o600);
  });

  it('is checked again after a byte is written into it, even with its times put back', () => {
    const { file, now } = stampedStore();
    const before = fs.statSync(file);
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.from([0xff]), 0, 1, 4096);
    fs.closeSync(fd);
    expect(checkedRecently(file, now)).toBeUndefined();
    // utimes can put the modification time back; the change time it cannot.
    fs.utimesSync(file, before.atime, before.mtime);
    expect(checkedRecently(file, now)).toBeUndefined();
  });

  it('is checked again when another file was copied over it, or its mode changed', () => {
    const { file, now } = stampedStore();
    const copy = `${file}.copy`;
    fs.copyFileSync(file, copy);
    fs.renameSync(copy, file);
    expect(checkedRecently(file, now)).toBeUndefined();

    const other = stampedStore();
    fs.chmodSync(other.file, 0o644);
    expect(checkedRecently(other.file, other.now)).toBeUndefined();
  });

  it('is checked again while its -wal holds changes (a writer at work, or one that died)', () => {
    const { file, at, now } = stampedStore();
    fs.writeFileSync(`${file}-wal`, '');
    expect(checkedRecently(file, now)).toBe(at);
    fs.writeFileSync(`${file}-wal`, Buffer.alloc(32, 1));
    expect(checkedRecently(file, now)).toBeUndefined();
  });

  it('is checked again once the check is a day old', () => {
    const { file, at, now } = stampedStore();
    expect(checkedRecently(file, new Date(now.getTime() + CHECK_VALID_MS - 1000))).toBe(at);
    expect(checkedRecently(file, new Date(now.getTime() + CHECK_VALID_MS))).toBeUndefined();
  });

  it('is not stamped while its -wal holds changes, and a stamp forgotten or unreadable vouches for nothing', () => {
    const { file, at, now } = stampedStore();
    fs.writeFileSync(`${file}-wal`, Buffer.alloc(32, 1));
    stampChecked(file, at);
    expect(fs.existsSync(`${file}-checked`)).toBe(false);
    fs.rmSync(`${file}-wal`);
    stampChecked(file, at);
    expect(checkedRecently(file, now)).toBe(at);
    fs.writeFileSync(`${file}-checked`, '{"checkedAt": 5');
    expect(checkedRecently(file, now)).toBeUndefined();
    stampChecked(file, at);
    forgetCheck(file);
    expect(checkedRecently(file, now)).toBeUndefined();
  });
});
