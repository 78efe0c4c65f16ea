import { describe, expect, it } from 'vitest';
import { generatePassword } from '../../src/domain/password.js';
import { patron } from '../helpers/seed.js';
import { listedLetters, queueLetters, smtpStores } from '../helpers/smtp.js';

const setup = smtpStores();

/**
 * What `mail retry` tells about uncertain letters, by the rules of delivery: a timeout makes
 * a letter uncertain as a crash does; a plain retry sends a letter without a secret once
 * more with the same Message-ID; a password letter needs --uncertain, which issues a new
 * password.
 */
describe('mail retry on uncertain letters', () => {
  it('says which letters a plain retry sends once more and which need --uncertain for a new password, and does as it says', async () => {
    const t = await setup(['0001', '0002', '0003'].map((id) => patron(id)));
    for (const [k, v] of [['mail.timeout', '1s'], ['mail.retry_delays', '1s']] as const) expect((await t.run(['config', 'set', k, v])).code).toBe(0);
    await queueLetters(t.db, ['0001', '0002'], 'GENERAL_MESSAGE');
    await queueLetters(t.db, ['0003'], 'NOTIFY_PASSWORD_CHANGE', new Map([['0003', generatePassword()]]));
    // The server keeps every letter and answers after mail.timeout: a timeout, no crash.
    t.smtp.slowAck(1500);

    const first = await t.mail(['retry']);
    expect(first.code).toBe(3);
    expect(first.stderr).toMatch(/warning: 2 letter\(s\) are uncertain: the server had each whole letter and never answered \(a timeout, a dropped connection, a crash\)/);
    expect(first.stderr).toContain('a plain alma-users mail retry sends each once more with the same Message-ID, and only once');
    expect(first.stderr).toMatch(/warning: 1 password letter\(s\) are uncertain, and a password is never sent twice: give those users a new temporary password, in a new letter, with: alma-users mail retry --uncertain\n/);
    expect(first.stderr).not.toContain('a crash left them');
    expect(t.smtp.messages).toHaveLength(3);

    // As said: a plain retry sends the two once more, same Message-ID; the password letter stays.
    t.smtp.slowAck(0);
    const second = await t.mail(['retry']);
    expect(second.code).toBe(3);
    expect([...t.smtp.copies().values()].sort()).toEqual([1, 2, 2]);
    expect(second.stderr).not.toMatch(/\d+ letter\(s\) are uncertain/);
    expect(second.stderr).toContain('1 password letter(s) are uncertain');
    const third = await t.mail(['retry']);
    expect(t.smtp.messages).toHaveLength(5);
    expect(third.stderr).toContain('1 password letter(s) are uncertain');

    // And --uncertain issues the new password, in a new letter with a new Message-ID.
    const reissued = await t.mail(['retry', '--uncertain']);
    expect(reissued.code, reissued.stderr).toBe(0);
    expect(reissued.stderr).toContain('each user gets a new temporary password');
    expect(reissued.stderr).not.toContain('are uncertain');
    const letters = await listedLetters(t.run);
    expect(letters.map((l) => l.status)).toEqual(['sent', 'sent', 'sent']);
    expect(new Set(t.smtp.messages.map((m) => m.parsed.messageId)).size).toBe(3 + 1);
  });

  it('names the job in the command for password letters when --job was given', async () => {
    const t = await setup([patron('0001')]);
    for (const [k, v] of [['mail.timeout', '1s'], ['mail.retry_delays', '1s']] as const) expect((await t.run(['config', 'set', k, v])).code).toBe(0);
    expect((await t.run(['set', 'create', 'one', '--query', 'primary_id = "0001"'])).code).toBe(0);
    t.smtp.slowAck(1500);
    const job = await t.run(['--format', 'json', 'job', 'run', 'update-notify', '--set', 'one', '--notify', 'NOTIFY_PASSWORD_CHANGE'], { env: t.env });
    expect(job.code, job.stderr).toBe(3);
    const id = (JSON.parse(job.stdout) as { id: string }).id;
    t.smtp.slowAck(0);
    const prefix = id.slice(0, 5);
    const retried = await t.mail(['retry', '--job', prefix]);
    expect(retried.code).toBe(3);
    expect(retried.stderr).toContain(`give those users a new temporary password, in a new letter, with: alma-users mail retry --uncertain --job ${prefix}\n`);
  });
});
