import { describe, expect, it } from 'vitest';
import { generatePassword, verifyPassword } from '../../src/domain/password.js';
import { patron, query } from '../helpers/seed.js';
import { killSenderMidSmtp, listedLetters, queueLetters, smtpStores, storeText } from '../helpers/smtp.js';

const setup = smtpStores();

describe('a sender killed while the SMTP server had its letters', () => {
  it('resends on its own, once and with the same Message-ID, the letters without a password a killed sender left with the server; never a third time', async () => {
    const t = await setup(['0001', '0002', '0003', '0004'].map((id) => patron(id)));
    await queueLetters(t.db, ['0001', '0002', '0003', '0004'], 'GENERAL_MESSAGE');
    // The server took the messages in; whether the sender learnt it, nobody knows.
    await killSenderMidSmtp(t.db, t.smtp, 4);

    const list = await t.mail(['list', '--format', 'json']);
    expect(list.stderr).toContain('4 letter(s) were with the SMTP server when a process died: marked uncertain');
    expect(JSON.parse(list.stdout).map((l: { status: string }) => l.status)).toEqual(['uncertain', 'uncertain', 'uncertain', 'uncertain']);

    const retry = await t.mail(['retry', '--format', 'json']);
    expect(retry.code).toBe(0);
    expect(retry.stderr).toContain('sending again 4 letter(s) whose delivery was uncertain');
    expect(JSON.parse(retry.stdout)).toMatchObject({ sent: 4, uncertain: 0 });
    // Each user has at most one duplicate, under the Message-ID of the first copy.
    expect([...t.smtp.copies().values()]).toEqual([2, 2, 2, 2]);

    const again = await t.mail(['retry', '--format', 'json']);
    expect(again.code).toBe(0);
    expect(t.smtp.messages).toHaveLength(8);
  });

  it('erases the body of a password letter left uncertain by a kill; --uncertain sends a new password instead', async () => {
    const t = await setup(['0001', '0002'].map((id) => patron(id)));
    const passwords = new Map([['0001', generatePassword()], ['0002', generatePassword()]]);
    await queueLetters(t.db, ['0001', '0002'], 'NOTIFY_PASSWORD_CHANGE', passwords);
    await killSenderMidSmtp(t.db, t.smtp, 2);

    expect((await listedLetters(t.run)).map((l) => l.status)).toEqual(['uncertain', 'uncertain']);
    // Their bodies are erased: neither password is anywhere in the store.
    for (const pw of passwords.values()) expect(storeText(t.db).includes(pw)).toBe(false);

    const again = await t.mail(['retry', '--uncertain', '--format', 'json']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('2 password letter(s) uncertain: each user gets a new temporary password');
    expect(JSON.parse(again.stdout)).toMatchObject({ sent: 2 });
    expect(t.smtp.messages).toHaveLength(4);
    const second = t.smtp.messages.slice(2).find((m) => m.to[0] === '0001@example.edu')!;
    const fresh = /Your temporary password: (\S+)/.exec(second.parsed.text ?? '')![1]!;
    expect(fresh).not.toBe(passwords.get('0001'));
    // A new letter, not the old one again: a mail system that saw the first Message-ID must not drop it.
    expect(t.smtp.messages.slice(0, 2).map((m) => m.parsed.messageId)).not.toContain(second.parsed.messageId);
    const hash = String(query<{ password_hash: string }>(t.db, "SELECT password_hash FROM users WHERE primary_id = '0001'")[0]!.password_hash);
    expect(await verifyPassword(fresh, hash)).toBe(true);
    const history = JSON.parse((await t.run(['users', 'history', '0001', '--format', 'json'])).stdout) as { change: string; operator: string; reason: string }[];
    expect(history.filter((h) => h.change === 'password reset')).toEqual([expect.objectContaining({ operator: 'admin', reason: expect.stringContaining('mail retry') })]);
    expect(storeText(t.db).includes(fresh)).toBe(false);
    expect(again.stdout + again.stderr).not.toContain(fresh);
  });

});
