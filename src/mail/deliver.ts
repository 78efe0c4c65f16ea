import os from 'node:os';
import type { Db } from '../store/db.js';
import { emlWritten } from './eml.js';
import { retryDelays as configuredRetryDelays } from './settings.js';
import { SendFailure, type Transport } from './transport.js';
import { processAlive } from '../core/processes.js';

/**
 * Sends the outbox's pending letters, after the transaction that queued them committed.
 *
 * Exactly once: a letter is marked 'sending' (durably, synchronous=FULL) before it is
 * handed to the transport, and 'sent' after, with its body erased in the same UPDATE. A
 * letter found 'sending' once its process is gone may or may not have gone out: with the
 * .eml transport the file says which; by SMTP nobody can know, so it becomes 'uncertain'
 * and is never sent again unless someone asks (`mail retry --uncertain`).
 */

export interface DeliveryProgress {
  total: number;
  sent: number;
  failed: number;
  /** Not yet sent: waiting, in flight or waiting for a retry. */
  remaining: number;
}

export interface DeliverOptions {
  /** Only this job's letters; all pending letters when absent. */
  jobId?: string | undefined;
  /** Only these letters (outbox ids). */
  ids?: string[] | undefined;
  transport: Transport;
  onProgress?: ((p: DeliveryProgress) => void) | undefined;
  /** Waits before each retry of a temporary failure (ms); default: the store's mail.retry_delays. */
  retryDelays?: number[] | undefined;
}

export interface DeliveryFailure {
  id: string;
  primary_id: string;
  recipient: string;
  status: 'failed' | 'pending';
  reply: string;
}

export interface DeliveryResult {
  sent: number;
  /** Refused for good (5xx): recorded with the server's reply. */
  failed: number;
  /** Still pending after the retries (temporary failures), or not tried because the run stopped. */
  pending: number;
  /** Letters of this scope whose fate after a crash is unknown; `mail retry --uncertain` resends them. */
  uncertain: number;
  /** Letters found 'sending' after a crash and settled now (eml: written or not). */
  recovered: { sent: number; pending: number; uncertain: number };
  /**
   * Why the run stopped early: the transport is unusable (authentication, TLS, a full disk),
   * or the server took nothing while a letter used up its retries (it is down). The rest stays pending.
   */
  halted?: string;
  /** The first failures, for reports. */
  failures: DeliveryFailure[];
}

interface Claimed {
  id: string;
  message_id: string;
  primary_id: string;
  recipient: string;
  subject: string;
  body_text: string | null;
  body_html: string | null;
}

type Outcome =
  | { id: string; kind: 'sent'; reply: string }
  | { id: string; kind: 'retry' | 'pending' | 'failed' | 'halt'; reply: string; due?: number };

const MAX_FAILURES_LISTED = 20;

export async function deliver(db: Db, options: DeliverOptions): Promise<DeliveryResult> {
  const { transport, jobId } = options;
  const delays = options.retryDelays ?? configuredRetryDelays(db);
  const recovered = recoverInterrupted(db);
  const claimer = `${os.hostname()}:${process.pid}`;

  const scope = jobId === undefined ? '' : 'AND job_id = ?';
  const scopeParams = jobId === undefined ? [] : [jobId];
  let queue = db.prepare<string[], string>(`SELECT id FROM outbox WHERE status = 'pending' ${scope} ORDER BY created_at, rowid`)
    .pluck().all(...scopeParams);
  if (options.ids) {
    const wanted = new Set(options.ids);
    queue = queue.filter((id) => wanted.has(id));
  }
  const total = queue.length;
  let next = 0;

  const claim = db.prepare<[string, string, string, string], Claimed>(`UPDATE outbox SET status = 'sending', attempts = attempts + 1,
      claimed_by = ?, transport = ?, updated_at = ?, next_attempt_at = NULL
    WHERE id = ? AND status = 'pending'
    RETURNING id, message_id, primary_id, recipient, subject, body_text, body_html`);
  const markSent = db.prepare(`UPDATE outbox SET status = 'sent', sent_at = ?, updated_at = ?, last_reply = ?,
    body_text = NULL, body_html = NULL, claimed_by = NULL WHERE id = ?`);
  const markPending = db.prepare(`UPDATE outbox SET status = 'pending', updated_at = ?, last_reply = ?, next_attempt_at = ?,
    claimed_by = NULL WHERE id = ?`);
  const markFailed = db.prepare(`UPDATE outbox SET status = 'failed', updated_at = ?, last_reply = ?, claimed_by = NULL WHERE id = ?`);

  const tries = new Map<string, number>();
  const sentBefore = new Map<string, number>();
  const retries: { id: string; due: number }[] = [];
  const outcomes: Outcome[] = [];
  const inflight = new Set<Promise<void>>();
  const byId = new Map<string, Claimed>();
  const failures: DeliveryFailure[] = [];
  let sent = 0;
  let failed = 0;
  let skipped = 0;
  let halted: string | undefined;

  const record = db.transaction((now: Date) => {
    const at = now.toISOString();
    for (const o of outcomes.splice(0)) {
      const letter = byId.get(o.id)!;
      byId.delete(o.id);
      if (o.kind === 'sent') {
        markSent.run(at, at, o.reply, o.id);
        continue;
      }
      if (o.kind === 'failed') markFailed.run(at, o.reply, o.id);
      else markPending.run(at, o.reply, o.due === undefined ? null : new Date(o.due).toISOString(), o.id);
      if (o.kind !== 'retry' && failures.length < MAX_FAILURES_LISTED) {
        failures.push({ id: o.id, primary_id: letter.primary_id, recipient: letter.recipient, status: o.kind === 'failed' ? 'failed' : 'pending', reply: o.reply });
      }
    }
    if (halted) return [];
    const room = transport.concurrency - inflight.size;
    const picked: Claimed[] = [];
    const nowMs = now.getTime();
    while (picked.length < room) {
      const due = retries.findIndex((r) => r.due <= nowMs);
      let id: string;
      if (due >= 0) id = retries.splice(due, 1)[0]!.id;
      else if (next < queue.length) id = queue[next++]!;
      else break;
      const row = claim.get(claimer, transport.name, at, id);
      if (row) picked.push(row);
      else skipped++; // another process took it, or someone changed it meanwhile
    }
    return picked;
  });

  const start = (letter: Claimed) => {
    byId.set(letter.id, letter);
    const n = (tries.get(letter.id) ?? 0) + 1;
    tries.set(letter.id, n);
    if (n === 1) sentBefore.set(letter.id, sent);
    const p = transport
      .send({ id: letter.id, messageId: letter.message_id, to: letter.recipient, subject: letter.subject, text: letter.body_text ?? '', html: letter.body_html ?? '' })
      .then(
        (reply) => { sent++; outcomes.push({ id: letter.id, kind: 'sent', reply }); },
        (e: unknown) => {
          const f = e instanceof SendFailure ? e : new SendFailure('temporary', (e as Error).message);
          if (f.kind === 'permanent') { failed++; outcomes.push({ id: letter.id, kind: 'failed', reply: f.reply }); return; }
          if (f.kind === 'fatal') { halted ??= f.reply; outcomes.push({ id: letter.id, kind: 'halt', reply: f.reply }); return; }
          const delay = delays[n - 1];
          if (delay === undefined) {
            outcomes.push({ id: letter.id, kind: 'pending', reply: f.reply });
            // Nothing got through while this letter waited out its retries: the server is down,
            // and trying every other letter the same way would only make the job wait.
            if (sent === sentBefore.get(letter.id) && delays.length > 0) halted ??= `the server took no letter through ${n} tries: ${f.reply}`;
            return;
          }
          const due = Date.now() + delay;
          retries.push({ id: letter.id, due });
          outcomes.push({ id: letter.id, kind: 'retry', reply: f.reply, due });
        },
      )
      .finally(() => inflight.delete(p));
    inflight.add(p);
  };

  const progress = () => options.onProgress?.({ total, sent, failed, remaining: total - sent - failed - skipped });
  const lowWater = Math.floor(transport.concurrency / 2);
  const previousSync = db.pragma('synchronous', { simple: true }) as number;
  // A 'sending' mark must reach the disk before the letter leaves, or a power cut could send it twice.
  db.pragma('synchronous = FULL');
  try {
    for (;;) {
      for (const letter of record(new Date())) start(letter);
      progress();
      if (inflight.size === 0) {
        if (halted || (next >= queue.length && retries.length === 0)) break;
        const wait = Math.min(...retries.map((r) => r.due)) - Date.now();
        await sleep(Math.max(0, wait));
        continue;
      }
      const more = !halted && (next < queue.length || retries.some((r) => r.due <= Date.now()));
      const target = more ? lowWater : inflight.size - 1;
      while (inflight.size > target) await Promise.race(inflight);
    }
  } finally {
    await Promise.allSettled(inflight);
    record.immediate(new Date());
    db.pragma(`synchronous = ${previousSync}`);
    // Erased bodies must not linger in the write-ahead log.
    db.pragma('wal_checkpoint(TRUNCATE)');
  }
  progress();

  const uncertain = db.prepare<string[], number>(`SELECT count(*) FROM outbox WHERE status = 'uncertain' ${scope}`).pluck().get(...scopeParams) ?? 0;
  return {
    sent, failed, pending: total - sent - failed - skipped, uncertain, recovered, failures,
    ...(halted ? { halted } : {}),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Settles letters left 'sending' by a process that is gone: written .eml files are sent,
 * unwritten ones pending again; a letter handed to an SMTP server becomes 'uncertain'.
 * Letters claimed by a live process, or on another host, are left to it.
 */
export function recoverInterrupted(db: Db): { sent: number; pending: number; uncertain: number } {
  const rows = db.prepare<[], { id: string; claimed_by: string | null; transport: string | null }>(
    "SELECT id, claimed_by, transport FROM outbox WHERE status = 'sending'").all();
  const out = { sent: 0, pending: 0, uncertain: 0 };
  if (rows.length === 0) return out;
  const host = os.hostname();
  const at = new Date().toISOString();
  const sent = db.prepare(`UPDATE outbox SET status = 'sent', sent_at = ?, updated_at = ?, claimed_by = NULL,
    last_reply = 'found written after an interruption', body_text = NULL, body_html = NULL WHERE id = ? AND status = 'sending'`);
  const pending = db.prepare(`UPDATE outbox SET status = 'pending', updated_at = ?, claimed_by = NULL,
    last_reply = 'interrupted before it was written' WHERE id = ? AND status = 'sending'`);
  const uncertain = db.prepare(`UPDATE outbox SET status = 'uncertain', updated_at = ?, claimed_by = NULL,
    last_reply = 'interrupted while the SMTP server had it: it may or may not have been delivered' WHERE id = ? AND status = 'sending'`);
  db.transaction(() => {
    for (const r of rows) {
      const [claimHost, pid] = splitClaimer(r.claimed_by);
      if (claimHost !== host || processAlive(pid)) continue;
      if (r.transport?.startsWith('eml:')) {
        if (emlWritten(r.transport, r.id)) { sent.run(at, at, r.id); out.sent++; } else { pending.run(at, r.id); out.pending++; }
      } else {
        uncertain.run(at, r.id);
        out.uncertain++;
      }
    }
  }).immediate();
  if (out.sent) db.pragma('wal_checkpoint(TRUNCATE)');
  return out;
}

function splitClaimer(claimedBy: string | null): [string | undefined, number] {
  if (!claimedBy) return [undefined, 0];
  const i = claimedBy.lastIndexOf(':');
  return [claimedBy.slice(0, i), Number(claimedBy.slice(i + 1))];
}
