import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatePassword } from '../../src/domain/password.js';
import { tempStores, type CliResult } from '../helpers/cli.js';
import { patron, seedUsers } from '../helpers/seed.js';
import { listedLetters, queueLetters } from '../helpers/smtp.js';

const tempStore = tempStores();

interface Doctor {
  ok: boolean;
  checks: { name: string; ok: boolean; detail: string }[];
}

async function doctorOf(run: (args: string[]) => Promise<CliResult>): Promise<{ code: number | null; keys: Doctor['checks'][number] | undefined }> {
  const r = await run(['doctor', '--format', 'json']);
  return { code: r.code, keys: (JSON.parse(r.stdout) as Doctor).checks.find((c) => c.name === 'letter keys') };
}

/**
 * `<store>-letterkeys` holds the keys of the password letters not sent yet: doctor reports
 * it, and a store moved without it cannot send those letters; they fail, and
 * `mail retry --failed` gives their users new passwords (docs/store.md).
 */
describe('the letter keys file beside the store', () => {
  it('doctor reports it (0600, the password letters waiting); a store moved without it: doctor fails, the letter fails, --failed issues a new password', async () => {
    const s = await tempStore();
    seedUsers(s.db, [patron('0001')]);
    expect((await doctorOf(s.run)).keys).toMatchObject({ ok: true, detail: expect.stringContaining('none yet') });

    const password = generatePassword();
    await queueLetters(s.db, ['0001'], 'NOTIFY_PASSWORD_CHANGE', new Map([['0001', password]]));
    const keys = `${s.db}-letterkeys`;
    expect(fs.statSync(keys).mode & 0o777).toBe(0o600);
    const here = await doctorOf(s.run);
    expect(here.code).toBe(0);
    expect(here.keys).toEqual({ name: 'letter keys', ok: true, detail: `${keys} 0600, 1 password letter(s) waiting; back it up and move it with the store` });

    // Moved as a careless backup would: the store alone.
    const moved = path.join(s.dir, 'moved');
    fs.mkdirSync(moved);
    const db = path.join(moved, 'store.db');
    fs.copyFileSync(s.db, db);
    const run = (args: string[]) => s.run(args, { env: { ALMA_USERS_DB: db } });
    const there = await doctorOf(run);
    expect(there.code).toBe(1);
    expect(there.keys?.ok).toBe(false);
    expect(there.keys?.detail).toContain(`${db}-letterkeys is missing, so 1 password letter(s) waiting to be sent cannot be`);
    expect(there.keys?.detail).toContain('alma-users mail retry --failed');

    const retry = await run(['mail', 'retry', '--format', 'json']);
    expect(retry.code).toBe(3);
    expect(JSON.parse(retry.stdout)).toMatchObject({ sent: 0, failed: 1 });
    expect((await listedLetters(run))[0]).toMatchObject({ status: 'failed', last_reply: expect.stringContaining('mail retry --failed issues a new one') });

    const reissued = await run(['mail', 'retry', '--failed', '--format', 'json']);
    expect(reissued.code, reissued.stderr).toBe(0);
    expect(JSON.parse(reissued.stdout)).toMatchObject({ sent: 1, failed: 0 });
    const letters = fs.readdirSync(path.join(moved, 'store.outbox')).filter((f) => f.endsWith('.eml'));
    expect(letters).toHaveLength(1);
    const sent = fs.readFileSync(path.join(moved, 'store.outbox', letters[0]!), 'utf8');
    expect(sent).toContain('temporary password');
    expect(sent).not.toContain(password);
    expect((await doctorOf(run)).code).toBe(0);
  });

  it('keys readable by others fail doctor with the fix', async () => {
    const s = await tempStore();
    seedUsers(s.db, [patron('0001')]);
    await queueLetters(s.db, ['0001'], 'NOTIFY_PASSWORD_CHANGE', new Map([['0001', generatePassword()]]));
    fs.chmodSync(`${s.db}-letterkeys`, 0o644);
    const r = await doctorOf(s.run);
    expect(r.code).toBe(1);
    expect(r.keys).toMatchObject({ ok: false, detail: expect.stringContaining('(readable by others: chmod 600 it)') });
  });
});
