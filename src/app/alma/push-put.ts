import { getUser, putUser } from '../../alma/api.js';
import { QuotaStop } from '../../domain/alma/connection.js';
import { planPut, showsIntended } from '../../domain/alma/put-plan.js';
import { describeChange } from '../../domain/jobs/changes.js';
import type { PushUserRow } from '../../store/alma.js';
import { concurrencyFor, inPool } from './pool.js';
import { jobChanges, quotaLow, stopReason, userFailure, type PushRun, type Stopped } from './push-run.js';

/**
 * `alma push --method put`: per user, GET the record Alma has now, check it against the
 * baseline pulled, lay the job's changes onto it and PUT it whole. Each user's state is
 * written as soon as its outcome is known: a kill -9 leaves at most the users in flight
 * pending, and a rerun finds their PUT done (the record already as intended) and does
 * not send it again.
 */

const PAGE = 500;

async function* pendingUsers(run: PushRun): AsyncGenerator<PushUserRow> {
  let after = -1;
  for (;;) {
    const rows = run.store.pending(run.job.id, after, PAGE);
    if (!rows.length) return;
    yield* rows;
    after = rows[rows.length - 1]!.seq;
  }
}

/** One user pushed; the state it ends in, written. */
async function pushOne(run: PushRun, u: PushUserRow): Promise<void> {
  const { store, records, client } = run;
  const settle = (state: 'pushed' | 'conflict' | 'failed', detail: unknown) =>
    store.setUserState(run.job.id, u.seq, state, detail === null ? null : typeof detail === 'string' ? detail : JSON.stringify(detail), run.now());
  const baselineText = store.baseline(u.primary_id);
  if (baselineText === undefined) {
    settle('failed', `${u.primary_id} was never pulled from Alma, so a change made there since cannot be told apart; pull it (alma-users alma pull --from-file IDS) and push again`);
    return;
  }
  const currentJson = await getUser(client, u.primary_id);
  const current = records.toUser(currentJson);
  const changes = jobChanges(run, u.primary_id);
  const decision = planPut(records.toUser(JSON.parse(baselineText) as Record<string, unknown>), current, changes);
  switch (decision.kind) {
    case 'already':
      store.together(() => {
        settle('pushed', 'already so in Alma');
        store.saveBaseline(u.primary_id, JSON.stringify(currentJson), run.now());
      });
      return;
    case 'conflict':
      settle('conflict', decision.conflicts);
      return;
    case 'unsupported':
      settle('failed', decision.why);
      return;
  }
  // The floor is checked again before the PUT: the GETs of the users in flight may have crossed it.
  const low = quotaLow(run);
  if (low) throw new QuotaStop(client.remaining, low);
  const body = records.patch(currentJson, decision.intended, decision.fields);
  const answer = await putUser(client, u.primary_id, body, decision.override);
  const after = records.toUser(answer);
  if (showsIntended(after, decision.intended, decision.fields)) {
    store.together(() => {
      settle('pushed', null);
      store.saveBaseline(u.primary_id, JSON.stringify(answer), run.now());
    });
    return;
  }
  const kept = changes.filter((c) => decision.fields.includes(c.field)).map(describeChange).join('; ');
  settle('failed', `Alma took the PUT but its record does not show every change (${kept}); see it in Alma`);
}

export async function pushByPut(run: PushRun): Promise<Stopped> {
  let stopped: Stopped = null;
  const counts = run.store.counts(run.job.id);
  const total = counts.pending + counts.pushed + counts.conflict + counts.failed;
  let done = total - counts.pending;
  const feed = inPool(pendingUsers(run), concurrencyFor(run.settings.rate), async (u, stop) => {
    if (stopped) return;
    const low = quotaLow(run);
    if (low) {
      stopped = low;
      return stop();
    }
    try {
      await pushOne(run, u);
    } catch (e) {
      const why = userFailure(e);
      if (why === undefined) {
        stopped ??= stopReason(e);
        return stop();
      }
      run.store.setUserState(run.job.id, u.seq, 'failed', why, run.now());
    }
    run.progress?.(++done, total, run.client.calls);
  });
  for await (const _ of feed) {
    // The pool's results are the users' states, already written.
  }
  return stopped;
}
