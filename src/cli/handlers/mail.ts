import { nanoid } from 'nanoid';
import { z } from 'zod';
import { allowListMatcher } from '../../domain/config.js';
import { UsageError } from '../../domain/errors.js';
import { emailAddress } from '../../domain/user.js';
import { deliver, openTransport, recoverInterrupted, SendFailure, type DeliveryResult } from '../../mail/index.js';
import { getConfig } from '../../store/config.js';
import type { Operator } from '../../domain/authz.js';
import { discardLetters, LETTER_STATUSES, listLetters, messageIdDomain, requeueLetters, type LetterStatus } from '../../store/outbox.js';
import { parseOptions, type Handler } from '../command.js';
import type { Context } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { ReportOutput } from '../output.js';

const listOptions = z.object({
  job: z.string().trim().min(1).optional(),
  status: z.enum(LETTER_STATUSES).optional(),
  limit: z.coerce.number().int().positive().optional(),
});

export const list: Handler = (ctx, _args, opts) => {
  const o = parseOptions(listOptions, opts);
  const db = ctx.store();
  reportRecovery(ctx, recoverInterrupted(db));
  return {
    output: {
      kind: 'list',
      columns: [
        { key: 'id', header: 'Letter' }, { key: 'job_id', header: 'Job' }, { key: 'primary_id', header: 'User' },
        { key: 'notification_type', header: 'Type' }, { key: 'recipient', header: 'To' }, { key: 'status', header: 'Status' },
        { key: 'attempts', header: 'Attempts' }, { key: 'sent_at', header: 'Sent' }, { key: 'last_reply', header: 'Server reply' },
        { key: 'message_id', header: 'Message-ID' },
      ],
      rows: listLetters(db, { jobId: o.job, status: o.status, limit: o.limit }),
    },
  };
};

const retryOptions = z.object({
  job: z.string().trim().min(1).optional(),
  uncertain: z.boolean().optional(),
  failed: z.boolean().optional(),
});

export const retry: Handler = async (ctx, _args, opts) => {
  const o = parseOptions(retryOptions, opts);
  const op = ctx.operator();
  const db = ctx.store();
  const transport = openTransport({ db, storePath: ctx.storePath, env: ctx.io.env });
  let result: DeliveryResult;
  try {
    const again: LetterStatus[] = [...(o.uncertain ? ['uncertain' as const] : []), ...(o.failed ? ['failed' as const] : [])];
    if (again.length) {
      reportRecovery(ctx, recoverInterrupted(db));
      const n = requeueLetters(db, again, o.job);
      if (n) ctx.info(`resending ${n} ${again.join(' or ')} letter(s) on purpose`);
      await reissuePasswords(ctx, op, again, o.job);
    }
    ctx.info(`sending by ${transport.description}`);
    // A person asked: letters waiting for their next try go now too.
    result = await deliver(db, { jobId: o.job, transport, includeNotDue: true });
  } finally {
    await transport.close();
  }
  reportRecovery(ctx, result.recovered);
  return deliveryOutput(ctx, result, transport.description);
};

/**
 * Password letters that failed or are uncertain kept no body (nor the password in it): each
 * user gets a new temporary password and a new letter instead.
 */
async function reissuePasswords(ctx: Context, op: Operator, statuses: LetterStatus[], jobId: string | undefined): Promise<void> {
  // Loaded only when asked: the template engine is heavy.
  const { reissuePasswordLetters } = await import('../../app/letters/reissue.js');
  const r = await reissuePasswordLetters(ctx.store(), { statuses, jobId, operator: op, codes: ctx.codes() });
  if (r.reissued) {
    ctx.info(`${r.reissued} password letter(s) ${statuses.join(' or ')}: each user gets a new temporary password (the one before no longer works) in a new letter`);
  }
  for (const s of r.skipped) ctx.warn(`password letter of ${s.primary_id} not sent again: ${s.reason}`);
}

function deliveryOutput(ctx: Context, r: DeliveryResult, via: string): { output: ReportOutput; exit: 0 | 1 | 3 } {
  if (r.halted) ctx.warn(`sending stopped: ${r.halted}; the letters not sent stay pending (fix it, then: alma-users mail retry)`);
  if (r.uncertain) ctx.warn(`${r.uncertain} letter(s) are uncertain: a crash left them with the SMTP server unanswered; resend on purpose with: alma-users mail retry --uncertain`);
  ctx.info(`sent ${r.sent}, failed ${r.failed}, still pending ${r.pending}`);
  const counts = { sent: r.sent, failed: r.failed, pending: r.pending, uncertain: r.uncertain };
  return {
    exit: r.halted ? EXIT.failure : r.failed || r.pending || r.uncertain ? EXIT.partial : EXIT.ok,
    output: {
      kind: 'report',
      json: { transport: via, ...counts, recovered: r.recovered, halted: r.halted ?? null, failures: r.failures },
      sections: [
        { kind: 'fields', fields: [['transport', via], ...Object.entries(counts), ['stopped', r.halted]] },
        {
          title: 'Not sent', kind: 'table',
          columns: [{ key: 'primary_id', header: 'User' }, { key: 'recipient', header: 'To' }, { key: 'status', header: 'Status' }, { key: 'reply', header: 'Server reply' }],
          rows: r.failures.map((f) => ({ ...f })),
        },
      ],
    },
  };
}

function reportRecovery(ctx: Context, r: { sent: number; pending: number; uncertain: number }): void {
  if (r.sent || r.pending) ctx.info(`after an interruption: ${r.sent} letter(s) found written, ${r.pending} back to pending`);
  if (r.uncertain) ctx.warn(`${r.uncertain} letter(s) were with the SMTP server when a process died: marked uncertain, not resent (alma-users mail list --status uncertain)`);
}

const discardOptions = z.object({
  job: z.string().trim().min(1).optional(),
  status: z.enum(['pending', 'failed', 'uncertain']).optional(),
});

export const discard: Handler = (ctx, _args, opts) => {
  const o = parseOptions(discardOptions, opts);
  ctx.operator();
  const db = ctx.store();
  const statuses: LetterStatus[] = o.status ? [o.status] : ['pending', 'failed', 'uncertain'];
  const n = discardLetters(db, statuses, o.job);
  ctx.info(`discarded ${n} letter(s); their bodies are erased`);
  return { output: { kind: 'report', json: { discarded: n }, sections: [{ kind: 'fields', fields: [['discarded', n]] }] } };
};

const testOptions = z.object({ to: emailAddress });

export const test: Handler = async (ctx, _args, opts) => {
  const o = parseOptions(testOptions, opts);
  const op = ctx.operator();
  const db = ctx.store();
  const allowed = allowListMatcher(getConfig(db, 'mail.allowed_emails'));
  if (allowed && !allowed(o.to)) {
    throw new UsageError(`${o.to} is outside mail.allowed_emails; nothing was sent`, 'send to an allowed address, or: alma-users config unset mail.allowed_emails');
  }
  const transport = openTransport({ db, storePath: ctx.storePath, env: ctx.io.env });
  const id = `test-${nanoid()}`;
  const messageId = `<${id}@${messageIdDomain(getConfig(db, 'institution.email'))}>`;
  const text = `This is a test letter from alma-users, sent by ${op.user.primary_id} through ${transport.description}.\n` +
    'If you can read it, letters to users will reach their mail servers the same way.\n';
  let reply: string;
  let ok = true;
  try {
    reply = await transport.send({
      id, messageId, to: o.to, subject: 'alma-users test letter', text,
      html: `<!DOCTYPE html><html><body><p>${escapeHtml(text).replace(/\n/g, '<br>')}</p></body></html>`,
    });
  } catch (e) {
    ok = false;
    reply = e instanceof SendFailure ? e.reply : (e as Error).message;
  } finally {
    await transport.close();
  }
  if (ok) ctx.info(`sent a test letter to ${o.to}`);
  else ctx.warn(`the test letter to ${o.to} was not sent: ${reply}`);
  const fields: [string, unknown][] = [['transport', transport.description], ['from', transport.from], ['to', o.to], ['message_id', messageId], ['sent', ok], ['reply', reply]];
  return {
    exit: ok ? EXIT.ok : EXIT.failure,
    output: { kind: 'report', json: Object.fromEntries(fields), sections: [{ kind: 'fields', fields }] },
  };
};

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
