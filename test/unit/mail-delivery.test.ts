import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { deliver } from '../../src/app/mail/deliver.js';
import { recoverInterrupted } from '../../src/app/mail/recover.js';
import { openTransport } from '../../src/app/mail/settings.js';
import { openStore, type Db } from '../../src/store/db.js';
import { listLetters } from '../../src/store/outbox.js';
import { SendingMoves } from '../../src/store/outbox-sending.js';
import { LETTER_STATUSES, mayFollow, NEXT } from '../../src/store/outbox-states.js';
import { tempStore } from '../helpers/cli.js';
import { patron, seedUsers } from '../helpers/seed.js';
import { queueLetters, startSmtp, type TestSmtp } from '../helpers/smtp.js';

const open: { db: Db; smtp: TestSmtp; cleanup: () => void }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    o.db.close();
    await o.smtp.close();
    o.cleanup();
  }
});

/** A real store with these users' GENERAL_MESSAGE letters queued, and a real SMTP server. */
async function outbox(ids: string[]) {
  const s = await tempStore();
  expect((await s.run(['config', 'set', 'institution.email', 'library@example.edu'])).code).toBe(0);
  seedUsers(s.db, ids.map((id) => patron(id)));
  await queueLetters(s.db, ids, 'GENERAL_MESSAGE');
  const db = openStore(s.db);
  const smtp = await startSmtp();
  open.push({ db, smtp, cleanup: s.cleanup });
  const transport = openTransport({ db, storePath: s.db, env: { ALMA_USERS_SMTP_URL: smtp.url } });
  const send = async (retryDelays: number[]) => {
    try {
      return await deliver(db, { transport, retryDelays });
    } finally {
      await transport.close();
    }
  };
  return { db, smtp, send, statuses: () => [...listLetters(db)].map((l) => [l.status, l.attempts]) };
}

describe('the outbox state machine', () => {
  it('lets a letter leave only the statuses that may still change, to the ones NEXT names', () => {
    for (const s of ['sent', 'suppressed', 'discarded'] as const) expect(NEXT[s]).toEqual([]);
    expect(mayFollow('pending', 'sending')).toBe(true);
    expect(mayFollow('sent', 'pending')).toBe(false);
    expect(mayFollow('pending', 'sent')).toBe(false); // only through sending
    for (const from of LETTER_STATUSES) for (const to of NEXT[from]) expect(LETTER_STATUSES).toContain(to);
  });
});

describe('deliver', () => {
  it('moves each letter pending -> sending -> sent, once', async () => {
    const t = await outbox(['0001', '0002']);
    expect(t.statuses()).toEqual([['pending', 0], ['pending', 0]]);
    expect(await t.send([])).toMatchObject({ sent: 2, failed: 0, pending: 0 });
    expect(t.statuses()).toEqual([['sent', 1], ['sent', 1]]);
    expect(t.smtp.messages).toHaveLength(2);
  });

  it('retries a 4xx answer, as many times as there are delays and no more, then leaves the letter pending', async () => {
    const t = await outbox(['0001']);
    t.smtp.defer('0001@example.edu');
    expect(await t.send([1, 1])).toMatchObject({ sent: 0, pending: 1 });
    expect(t.smtp.offered('0001@example.edu')).toBe(3);
    expect(t.statuses()).toEqual([['pending', 3]]);
  });

  it('records a 5xx answer as failed, without retrying it', async () => {
    const t = await outbox(['0001']);
    t.smtp.refuse('0001@example.edu');
    const r = await t.send([1, 1]);
    expect(r).toMatchObject({ sent: 0, failed: 1, pending: 0 });
    expect(r.failures[0]!.reply).toContain('550');
    expect(t.smtp.offered('0001@example.edu')).toBe(1);
    expect(t.statuses()).toEqual([['failed', 1]]);
  });

  it('marks uncertain a letter whose sender died while it was with the SMTP server, and never sends it again', async () => {
    const t = await outbox(['0001']);
    const [id] = [...listLetters(t.db)].map((l) => l.id);
    // A pid no process has: the claim of a sender that is gone.
    new SendingMoves(t.db).claim(id!, { by: `${os.hostname()}:999999999`, boot: null, transport: 'smtp://127.0.0.1:25' }, new Date().toISOString());
    expect(t.statuses()).toEqual([['sending', 1]]);
    expect(recoverInterrupted(t.db)).toEqual({ sent: 0, pending: 0, uncertain: 1 });
    expect(await t.send([])).toMatchObject({ sent: 0, uncertain: 1 });
    expect(t.smtp.messages).toHaveLength(0);
    expect(t.statuses()).toEqual([['uncertain', 1]]);
  });
});
