import { addMembers, createUserSet, deleteSet, findUserSet, instanceEnded, jobInstance, MEMBERS_PER_CALL, runJob } from '../../alma/api.js';
import { applyChanges, changedFields } from '../../domain/alma/put-plan.js';
import { ConflictError } from '../../domain/errors.js';
import type { AlmaJobParameter } from '../../domain/jobs/alma-params.js';
import { jobChanges, quotaLow, stopReason, userFailure, type PushRun, type Stopped } from './push-run.js';

/**
 * `alma push --method job`, Alma's own way: an itemized user set named after the job, its
 * members added 1,000 a call, the Update/Notify Users job run on it with the job's actions
 * as parameters, its instance followed to the end, the set removed. Each step is recorded
 * as it is done, so a rerun after a stop (the quota) or a kill goes on from the next one.
 */

export interface JobPushOptions {
  parameters: AlmaJobParameter[];
  keepSet: boolean;
  /** Run Alma's job even though an earlier run was asked for and its answer never came. */
  runAgain: boolean;
  /** Milliseconds between two looks at the running instance (they grow to 10 s). */
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const SET_REQUESTED = 'SET_REQUESTED';
const RUN_REQUESTED = 'RUN_REQUESTED';
const SUCCESS = /^COMPLETED_(SUCCESS|WARNING)/;

export async function pushByJob(run: PushRun, o: JobPushOptions): Promise<Stopped> {
  const { store, client, job } = run;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const update = (fields: Parameters<typeof store.updatePush>[1]) => store.updatePush(job.id, { ...fields, updated_at: run.now() });
  const total = Object.values(store.counts(job.id)).reduce((a, b) => a + b, 0);
  try {
    let p = store.push(job.id)!;
    if (p.alma_set_id === null) {
      const name = `alma-users job ${job.id}`;
      // Asked before and no id recorded: the set may exist (the process died before the answer was written).
      const found = p.alma_status === SET_REQUESTED ? await findUserSet(client, name) : undefined;
      update({ alma_status: SET_REQUESTED });
      const setId = found ?? (await createUserSet(client, name, `${job.name ?? job.type} (alma-users job ${job.id}); removed when the push ends`));
      update({ alma_set_id: setId, alma_status: null });
      p = store.push(job.id)!;
    }
    while (p.members_added < total) {
      const low = quotaLow(run);
      if (low) return low;
      const members = store.users(job.id, p.members_added - 1, MEMBERS_PER_CALL);
      await addMembers(client, p.alma_set_id!, members.map((m) => m.primary_id));
      update({ members_added: p.members_added + members.length });
      p = store.push(job.id)!;
      run.progress?.(p.members_added, total, client.calls);
    }
    if (p.alma_instance === null) {
      if (p.alma_status === RUN_REQUESTED && !o.runAgain) {
        throw new ConflictError(
          `Alma's job ${run.settings.update_notify_job} was asked to run for this push and no answer came back; it may be running`,
          `look in Alma (Monitor Jobs) for a run on set "alma-users job ${job.id}"; if there is none: alma-users alma push ${job.id} --run-again`,
        );
      }
      const low = quotaLow(run);
      if (low) return low;
      update({ alma_status: RUN_REQUESTED, alma_job: run.settings.update_notify_job });
      const parameters = [
        { name: { value: 'set_id' }, value: p.alma_set_id! },
        { name: { value: 'job_name' }, value: `alma-users job ${job.id}` },
        ...o.parameters,
      ];
      const instance = await runJob(client, run.settings.update_notify_job, parameters);
      update({ alma_instance: instance, alma_status: 'QUEUED' });
      p = store.push(job.id)!;
    }
    let wait = o.pollMs ?? 1000;
    for (;;) {
      const i = await jobInstance(client, p.alma_job!, p.alma_instance!);
      update({ alma_status: i.status, alma_report: JSON.stringify({ progress: i.progress, counters: i.counters, alerts: i.alerts }) });
      run.progress?.(Math.round((i.progress / 100) * total), total, client.calls);
      if (instanceEnded(i.status)) break;
      const low = quotaLow(run);
      if (low) return low;
      await sleep(wait);
      wait = Math.min(wait * 2, 10_000);
    }
    p = store.push(job.id)!;
    const ok = SUCCESS.test(p.alma_status ?? '');
    store.together(() => {
      if (ok) moveBaselines(run);
      store.settlePending(job.id, ok ? 'pushed' : 'failed', ok ? null : `Alma's job ended ${p.alma_status ?? ''}; see its report in Alma`, run.now());
    });
    if (!o.keepSet) {
      try {
        await deleteSet(client, p.alma_set_id!);
      } catch (e) {
        if (userFailure(e) === undefined) throw e;
        update({ note: `the set ${p.alma_set_id!} was not removed from Alma: ${stopReason(e)}` });
      }
    }
    return null;
  } catch (e) {
    if (e instanceof ConflictError) throw e;
    return stopReason(e);
  }
}

/**
 * Alma's job did what the local job did: each pulled user's baseline takes the job's
 * changes, so that a later push (an undo) sees these values as Alma's, not as a conflict.
 */
function moveBaselines(run: PushRun): void {
  const { store, records } = run;
  for (let after = -1; ;) {
    const rows = store.pending(run.job.id, after, 1000);
    if (!rows.length) return;
    for (const u of rows) {
      const text = store.baseline(u.primary_id);
      if (text === undefined) continue;
      const baseline = JSON.parse(text) as Record<string, unknown>;
      const changes = jobChanges(run, u.primary_id);
      try {
        const intended = applyChanges(records.toUser(baseline), changes);
        store.saveBaseline(u.primary_id, JSON.stringify(records.patch(baseline, intended, changedFields(changes))), run.now());
      } catch {
        // A baseline that no longer reads as a user is dropped: the next push asks for a pull.
        store.forgetBaseline(u.primary_id);
      }
    }
    after = rows[rows.length - 1]!.seq;
  }
}
