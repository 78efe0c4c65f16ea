import { setImmediate as answersSoFar } from 'node:timers/promises';
import { thisProcess } from '../../domain/processes.js';
import { SendFailure, type Transport } from '../../mail/transport.js';
import { bulkWrites } from '../../store/bulk-writes.js';
import type { Db } from '../../store/db.js';
import { truncateWal } from '../../store/outbox-secrets.js';
import { SendingMoves, type ClaimedLetter } from '../../store/outbox-sending.js';
import { countInStatus, pendingLetterIds } from '../../store/outbox-states.js';
import { recoverInterrupted, type Recovered } from './recover.js';
import { retryDelays as configuredRetryDelays } from './settings.js';

/**
 * Sends the outbox's pending letters, after the transaction that queued them committed.
 *
 * Never twice on its own: a letter is marked 'sending' (durably) when a connection takes it
 * (the run has no more letters in flight than the transport has connections), and 'sent'
 * after, with its body erased in the same UPDATE. The answers that came in and the letters
 * their connections take next are one commit, forced to the disk by one fsync in the
 * background (store/outbox-durable.ts) before those letters leave: a batch of letters costs
 * one fsync, and the other connections keep talking to the server meanwhile. A transport that
 * leaves proof of what it did (.eml files) needs no durable claim; its commits are forced to
 * the disk only before a password letter's key is shredded. A server that had
 * the whole letter and never answered (a timeout, a dropped connection) makes it 'uncertain',
 * not a temporary failure: it is not tried again by the run. A letter found 'sending' once
 * its process is gone: with the .eml transport the file says whether it went; by SMTP nobody
 * can know, so it becomes 'uncertain' too (recover.ts says what happens to those next).
 *
 * A letter that carries a temporary password keeps its (sealed) body only while it may
 * still be sent as it is: sent, refused for good or uncertain, its key is shredded.
 */

/**
 * One sending run across several deliver() calls: a job calls deliver() after each bulk,
 * and what it learnt (a letter that used up its retries, a server that takes nothing)
 * holds for the whole job, not only for the call.
 */
export interface DeliveryRun {
  /** Letters sent in the run. */
  sent: number;
  /** Letters whose tries ran out in this run: left pending for `mail retry`, not tried again by the run. */
  gaveUp: Set<string>;
  /** Letters in a row that used up their tries while no letter at all went through. */
  fruitless: number;
  /** Why the run stopped sending, once it has. */
  halted?: string | undefined;
}

export function newDeliveryRun(): DeliveryRun {
  return { sent: 0, gaveUp: new Set(), fruitless: 0 };
}

/** The server is judged down when this many different letters used up their tries while nothing went through. */
export const FRUITLESS_LETTERS_TO_HALT = 3;

export interface DeliverOptions {
  /** Only this job's letters; all pending letters when absent. */
  jobId?: string | undefined;
  transport: Transport;
  /** Waits before each retry of a temporary failure (ms); default: the store's mail.retry_delays. */
  retryDelays?: number[] | undefined;
  /** The run this call belongs to (a job's); without it, the call is a run of its own. */
  run?: DeliveryRun | undefined;
  /**
   * Also send letters whose next try is not due yet (next_attempt_at in the future): a
   * person asked for it (`mail retry`). A job's own sending waits for them.
   */
  includeNotDue?: boolean | undefined;
  /** Only these letters (a job's letter to its operator, sent when the job ends). */
  letterIds?: readonly string[] | undefined;
  /** Hears how many of this call's letters are sent, as they go (a progress line). */
  onSent?: ((sent: number, of: number) => void) | undefined;
}

export interface DeliveryFailure {
  id: string;
  primary_id: string;
  recipient: string;
  status: 'failed' | 'pending' | 'uncertain';
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
  /** Password letters discarded unsent: their password is no longer the user's (SendingMoves.superseded). */
  superseded: number;
  /** Letters found 'sending' after a crash and settled now (eml: written or not). */
  recovered: Recovered;
  /**
   * Why the run stopped early: the transport is unusable (authentication, TLS, a full disk),
   * or several different letters used up their tries while the server took nothing (it is
   * down). The rest stays pending.
   */
  halted?: string;
  /** The first failures, for reports. */
  failures: DeliveryFailure[];
}

type Outcome =
  | { id: string; kind: 'sent'; reply: string }
  | { id: string; kind: 'retry' | 'pending' | 'failed' | 'uncertain' | 'halt'; reply: string; due?: number };

const MAX_FAILURES_LISTED = 20;

export async function deliver(db: Db, options: DeliverOptions): Promise<DeliveryResult> {
  const { transport, jobId } = options;
  const run = options.run ?? newDeliveryRun();
  const delays = options.retryDelays ?? configuredRetryDelays(db);
  const recovered = recoverInterrupted(db);
  transport.tidy?.();
  const me = thisProcess();
  const claimer = { by: `${me.host}:${me.pid}`, boot: me.boot, transport: transport.name };
  const uncertainCount = () => countInStatus(db, 'uncertain', jobId);
  if (run.halted) {
    return { sent: 0, failed: 0, pending: countInStatus(db, 'pending', jobId), uncertain: uncertainCount(), superseded: 0, recovered, failures: [], halted: run.halted };
  }
  const queue = pendingLetterIds(db, jobId, options.includeNotDue ? undefined : new Date().toISOString()).filter((id) => !run.gaveUp.has(id))
    .filter((id) => !options.letterIds || options.letterIds.includes(id));
  const total = queue.length;
  if (total > 0) options.onSent?.(0, total);
  let next = 0;
  const moves = new SendingMoves(db);

  const tries = new Map<string, number>();
  const sentBefore = new Map<string, number>();
  const retries: { id: string; due: number }[] = [];
  const outcomes: Outcome[] = [];
  const inflight = new Set<Promise<void>>();
  const byId = new Map<string, ClaimedLetter>();
  const failures: DeliveryFailure[] = [];
  let sent = 0;
  let failed = 0;
  let uncertainNow = 0;
  let skipped = 0;
  let superseded = 0;
  // The rate the transport allows, kept before a letter is claimed rather than in its queue.
  const gap = transport.perSecond ? 1000 / transport.perSecond : 0;
  let nextStartAt = 0;
  let halted: string | undefined;
  // A letter whose tries ran out waits at least the longest retry delay before a job tries it again.
  const restAfterGivingUp = delays.length ? Math.max(...delays) : 0;

  /** Records what the transport answered; nothing else (safe after an error). */
  const recordOutcomes = (at: string) => {
    for (const o of outcomes.splice(0)) {
      const letter = byId.get(o.id)!;
      byId.delete(o.id);
      if (o.kind === 'sent') {
        moves.sent(o.id, at, o.reply);
        continue;
      }
      if (o.kind === 'failed') moves.failed(o.id, at, o.reply);
      else if (o.kind === 'uncertain') moves.uncertain(o.id, at, o.reply);
      else moves.later(o.id, at, o.reply, o.due === undefined ? null : new Date(o.due).toISOString());
      if (o.kind !== 'retry' && failures.length < MAX_FAILURES_LISTED) {
        const status = o.kind === 'failed' || o.kind === 'uncertain' ? o.kind : 'pending';
        failures.push({ id: o.id, primary_id: letter.primary_id, recipient: letter.recipient, status, reply: o.reply });
      }
    }
  };
  const settle = db.transaction((now: Date) => recordOutcomes(now.toISOString()));
  // One transaction for both, so that a letter sent costs one durable commit, not two.
  const step = db.transaction((now: Date) => {
    const at = now.toISOString();
    recordOutcomes(at);
    if (halted) return [];
    const room = transport.concurrency - inflight.size;
    const picked: ClaimedLetter[] = [];
    const nowMs = now.getTime();
    while (picked.length < room && nowMs >= nextStartAt) {
      const dueRetry = retries.findIndex((r) => r.due <= nowMs);
      let id: string;
      if (dueRetry >= 0) id = retries.splice(dueRetry, 1)[0]!.id;
      else if (next < queue.length) id = queue[next++]!;
      else break;
      const row = moves.claim(id, claimer, at);
      if (!row) {
        if (moves.superseded(id, at)) superseded++;
        else skipped++; // another process took it, or someone changed it meanwhile
        continue;
      }
      if (row.body_text === undefined || row.body_html === undefined) {
        // A password letter whose key is gone (lost with the disk's cache in a power cut).
        failed++;
        byId.set(row.id, row);
        outcomes.push({ id: row.id, kind: 'failed', reply: 'its temporary password was lost; alma-users mail retry --failed issues a new one' });
        continue;
      }
      picked.push(row);
      if (gap) nextStartAt = Math.max(nextStartAt, nowMs) + gap;
    }
    return picked;
  });

  const start = (letter: ClaimedLetter, ready: Promise<void> | undefined) => {
    byId.set(letter.id, letter);
    const n = (tries.get(letter.id) ?? 0) + 1;
    tries.set(letter.id, n);
    if (n === 1) sentBefore.set(letter.id, run.sent);
    const p = transport
      .send({ id: letter.id, messageId: letter.message_id, to: letter.recipient, subject: letter.subject, text: letter.body_text ?? '', html: letter.body_html ?? '' }, ready)
      .then(
        (reply) => {
          sent++;
          options.onSent?.(sent, total);
          run.sent++;
          run.fruitless = 0;
          outcomes.push({ id: letter.id, kind: 'sent', reply });
        },
        (e: unknown) => {
          const f = e instanceof SendFailure ? e : new SendFailure('temporary', (e as Error).message);
          if (f.kind === 'permanent') { failed++; outcomes.push({ id: letter.id, kind: 'failed', reply: f.reply }); return; }
          // The server may have it: never tried again by this run (see recover.ts for what comes next).
          if (f.kind === 'uncertain') { uncertainNow++; outcomes.push({ id: letter.id, kind: 'uncertain', reply: f.reply }); return; }
          if (f.kind === 'fatal') { halted ??= f.reply; outcomes.push({ id: letter.id, kind: 'halt', reply: f.reply }); return; }
          const delay = delays[n - 1];
          if (delay === undefined) {
            // Left for `mail retry`; this run does not try it again, whatever bulk comes next.
            run.gaveUp.add(letter.id);
            outcomes.push({ id: letter.id, kind: 'pending', reply: f.reply, due: Date.now() + restAfterGivingUp });
            // Nothing got through while several letters waited out their retries: the server
            // is down, and trying every other letter the same way would only make the job wait.
            if (run.sent === sentBefore.get(letter.id) && ++run.fruitless >= FRUITLESS_LETTERS_TO_HALT) {
              halted ??= `the server took no letter while ${run.fruitless} different letters were tried ${n} times each; last reply: ${f.reply}`;
            }
            return;
          }
          const dueAt = Date.now() + delay;
          retries.push({ id: letter.id, due: dueAt });
          outcomes.push({ id: letter.id, kind: 'retry', reply: f.reply, due: dueAt });
        },
      )
      .finally(() => inflight.delete(p));
    inflight.add(p);
  };

  /**
   * The commits so far forced to the disk: before the letters just claimed are whole with the
   * server (a power cut must not forget a claim and send a letter twice) and before the keys
   * of the letters that ended are shredded (a letter pending again without its key could not
   * go). One fsync for a step, in the background; when the disk fails, the run stops.
   */
  const syncing = new Set<Promise<void>>();
  const forced = (slots: number[]): Promise<void> => {
    const ready = moves.durable();
    const after = ready.then(
      () => moves.shred(slots),
      (e: unknown) => { halted ??= `cannot make the store's changes durable: ${(e as Error).message}`; },
    ).finally(() => syncing.delete(after));
    syncing.add(after);
    return ready;
  };
  // A run commits once or twice a letter: tuned as a bulk load (store/bulk-writes.ts).
  await bulkWrites(db, async () => {
    try {
      for (;;) {
        const claimed = step(new Date());
        // The keys of the password letters that ended (sent, failed, superseded...) are shredded once that is on the disk.
        const slots = moves.ended();
        const ready = slots.length > 0 || (claimed.length > 0 && !transport.leavesProof) ? forced(slots) : undefined;
        if (!ready) moves.shred(slots);
        for (const letter of claimed) start(letter, transport.leavesProof ? undefined : ready);
        const more = !halted && (next < queue.length || retries.length > 0);
        if (inflight.size === 0) {
          if (!more) break;
          const due = next < queue.length ? nextStartAt : Math.max(nextStartAt, Math.min(...retries.map((r) => r.due)));
          await sleep(Math.max(0, due - Date.now()));
          continue;
        }
        // A connection that comes free takes the next letter (at the transport's rate).
        const paced = more && inflight.size < transport.concurrency && nextStartAt > Date.now();
        if (paced) await Promise.race([...inflight, sleep(nextStartAt - Date.now())]);
        else await Promise.race(inflight);
        // The other answers that arrived with this one go in the same commit.
        await answersSoFar();
      }
    } finally {
      await Promise.allSettled(inflight);
      // Only the answers: after an error nothing new is claimed (it would be left 'sending').
      settle.immediate(new Date());
      const slots = moves.ended();
      await Promise.allSettled(syncing);
      await moves.durable();
      moves.shred(slots);
      await moves.finish();
      // Erased bodies should not linger in the write-ahead log (sealed ones are unreadable anyway).
      truncateWal(db);
    }
  });
  if (halted) run.halted = halted;

  return {
    sent, failed, pending: total - sent - failed - uncertainNow - skipped - superseded, uncertain: uncertainCount(), superseded, recovered, failures,
    ...(halted ? { halted } : {}),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
