import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { expect, it, describe } from 'vitest';
import { openStore } from '../../src/store/db.js';
import { tempStores } from '../helpers/cli.js';
import { patron, seedUsers } from '../helpers/seed.js';
import { listedLetters, queueLetters } from '../helpers/smtp.js';

const tempStore = tempStores();

/** The pid of a process that has exited: what a killed sender leaves in the outbox and the folder. */
function deadPid(): Promise<number> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, ['-e', '']);
    c.on('exit', () => resolve(c.pid!));
  });
}

describe('the .eml transport (no SMTP configured)', () => {
  it('writes each letter once as a standard .eml file named by its id, beside the store', async () => {
    const s = await tempStore();
    seedUsers(s.db, [patron('0001'), patron('0002')]);
    const ids = await queueLetters(s.db, ['0001', '0002'], 'NOTIFY_PASSWORD_CHANGE', new Map([['0001', 'Pw1aaaaaaa'], ['0002', 'Pw2bbbbbbb']]));
    expect((await s.run(['mail', 'retry'])).code).toBe(0);
    const dir = path.join(s.dir, 'store.outbox');
    expect(fs.readdirSync(dir).sort()).toEqual(ids.map((id) => `${id}.eml`).sort());
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    const file = path.join(dir, `${ids[0]}.eml`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const parsed = await simpleParser(fs.readFileSync(file));
    expect(parsed.text).toContain('Your temporary password: Pw1aaaaaaa');
    expect(parsed.html).toContain('Pw1aaaaaaa');
    expect(parsed.messageId).toBe((await listedLetters(s.run)).find((r) => r.id === ids[0])!.message_id);

    // Sent letters are not written again.
    expect((await s.run(['mail', 'retry'])).code).toBe(0);
    expect(fs.readdirSync(dir)).toHaveLength(2);
  });

  it('settles letters a killed process left behind: a written file is sent, an unwritten one is sent now', async () => {
    const s = await tempStore();
    seedUsers(s.db, [patron('0001'), patron('0002')]);
    const [written, unwritten] = await queueLetters(s.db, ['0001', '0002'], 'GENERAL_MESSAGE');
    expect((await s.run(['mail', 'retry'])).code).toBe(0);
    const dir = path.join(s.dir, 'store.outbox');
    fs.rmSync(path.join(dir, `${unwritten}.eml`));
    // As a process killed between handing the letters over and recording it leaves them.
    const dead = await deadPid();
    const db = openStore(s.db);
    db.prepare(`UPDATE outbox SET status = 'sending', claimed_by = ?, transport = ?, body_text = 'x', body_html = 'x'`)
      .run(`${os.hostname()}:${dead}`, `eml:${dir}`);
    db.close();
    const r = await s.run(['mail', 'retry', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('1 letter(s) found written, 1 back to pending');
    expect(JSON.parse(r.stdout)).toMatchObject({ sent: 1, uncertain: 0 });
    expect(fs.readdirSync(dir).sort()).toEqual([`${written}.eml`, `${unwritten}.eml`].sort());
    expect((await listedLetters(s.run)).map((x) => x.status)).toEqual(['sent', 'sent']);
  });

  it('removes a half-written temporary file (it may hold a password) that a killed process left in the outbox folder', async () => {
    const s = await tempStore();
    seedUsers(s.db, [patron('0001')]);
    const [id] = await queueLetters(s.db, ['0001'], 'GENERAL_MESSAGE');
    const dir = path.join(s.dir, 'store.outbox');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    // As a process killed between writing a letter and renaming it leaves it.
    const dead = await deadPid();
    const stale = path.join(dir, `${id}.eml.${dead}.tmp`);
    fs.writeFileSync(stale, 'Your temporary password: Stale7pass', { mode: 0o600 });
    const r = await s.run(['mail', 'retry']);
    expect(r.code).toBe(0);
    expect(fs.readdirSync(dir)).toEqual([`${id}.eml`]);
  });

  it('mail test writes a test letter there too', async () => {
    const s = await tempStore();
    const r = await s.run(['mail', 'test', '--to', 'me@example.edu', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.transport).toBe(`.eml files in ${path.join(s.dir, 'store.outbox')}`);
    const files = fs.readdirSync(path.join(s.dir, 'store.outbox'));
    expect(files).toHaveLength(1);
    const parsed = await simpleParser(fs.readFileSync(path.join(s.dir, 'store.outbox', files[0]!)));
    expect(parsed.messageId).toBe(j.message_id);
  });
});
