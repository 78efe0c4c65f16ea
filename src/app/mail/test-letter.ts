import { newId } from '../../domain/ids.js';
import { z } from 'zod';
import type { Operator } from '../../domain/authz.js';
import { allowListMatcher } from '../../domain/config.js';
import { UsageError } from '../../domain/errors.js';
import { emailAddress } from '../../domain/user.js';
import { SendFailure } from '../../mail/transport.js';
import { getConfig } from '../../store/config.js';
import type { Db } from '../../store/db.js';
import { messageIdDomain } from '../../store/outbox-queue.js';
import { openTransport } from './settings.js';

export const testLetterOptions = z.object({ to: emailAddress });
export type TestLetterOptions = z.output<typeof testLetterOptions>;

export interface TestLetterResult {
  transport: string;
  from: string;
  to: string;
  message_id: string;
  sent: boolean;
  reply: string;
}

/**
 * `mail test`: one letter through the configured transport, outside the outbox, to an
 * address mail.allowed_emails allows. A refusal is a result (with the server's words), not an error.
 */
export async function sendTestLetter(place: { db: Db; storePath: string; env: NodeJS.ProcessEnv; notes?: { warn(message: string): void } }, operator: Operator, o: TestLetterOptions): Promise<TestLetterResult> {
  const { db } = place;
  const allowed = allowListMatcher(getConfig(db, 'mail.allowed_emails'));
  if (allowed && !allowed(o.to)) {
    throw new UsageError(`${o.to} is outside mail.allowed_emails; nothing was sent`, 'send to an allowed address, or: alma-users config unset mail.allowed_emails');
  }
  const transport = openTransport(place);
  const id = `test-${newId()}`;
  const messageId = `<${id}@${messageIdDomain(getConfig(db, 'institution.email'))}>`;
  const text = `This is a test letter from alma-users, sent by ${operator.user.primary_id} through ${transport.description}.\n` +
    'If you can read it, letters to users will reach their mail servers the same way.\n';
  let reply: string;
  let sent = true;
  try {
    reply = await transport.send({
      id, messageId, to: o.to, subject: 'alma-users test letter', text,
      html: `<!DOCTYPE html><html><body><p>${escapeHtml(text).replace(/\n/g, '<br>')}</p></body></html>`,
    });
  } catch (e) {
    sent = false;
    reply = e instanceof SendFailure ? e.reply : (e as Error).message;
  } finally {
    await transport.close();
  }
  return { transport: transport.description, from: transport.from, to: o.to, message_id: messageId, sent, reply };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
