import { bad, ok, type Json } from './http.js';
import { applyUpdates, preferredEmailOf } from './job-apply.js';
import { readJobParameters, type JobPlan } from './job-params.js';
import type { Route } from './server.js';
import type { SetStore } from './sets.js';
import type { UserStore } from './users.js';

/**
 * The Jobs API for the Update/Notify Users job (Dev: POST /conf/jobs/{job_id}?op=run, GET
 * .../instances/{instance_id}). A run is refused while 3 API-run jobs are unfinished
 * (402222) or when the same job was started 5 times in the last hour (402223). Its instance
 * goes QUEUED -> RUNNING (progress) -> COMPLETED_SUCCESS / COMPLETED_WARNING, one stage per
 * `stagePolls` GETs of the instance (or at once with the harness's completeJobs()); the
 * changes reach the users, and the notifications are recorded, when it completes.
 */
export const MAX_RUNNING = 3;
export const MAX_PER_HOUR = 5;

/** A User Notifications Letter the job "sent". */
export interface Notification {
  instanceId: string;
  primaryId: string;
  type: string;
  email: string | null;
  /** The generated password the letter carries, when the job made the user internal. */
  temporaryPassword?: string;
}

export interface Instance {
  id: string;
  plan: JobPlan;
  members: string[];
  submitted: number;
  started?: number;
  ended?: number;
  polls: number;
  status: 'QUEUED' | 'RUNNING' | 'COMPLETED_SUCCESS' | 'COMPLETED_WARNING';
  progress: number;
  counts: { total: number; updated: number; unchanged: number; failed: number; notified: number };
}

export interface JobOptions {
  jobId: string;
  institution: string;
  rolesWithParameters: ReadonlySet<string>;
  stagePolls: number;
  now: () => number;
}

const STATUS_DESC: Record<Instance['status'], string> = {
  QUEUED: 'Queued', RUNNING: 'Running', COMPLETED_SUCCESS: 'Completed Successfully', COMPLETED_WARNING: 'Completed with Warnings',
};

export class JobEngine {
  readonly instances = new Map<string, Instance>();
  readonly notifications: Notification[] = [];
  /** Primary IDs the next runs fail on (a user Alma cannot update), to make COMPLETED_WARNING. */
  readonly failing = new Set<string>();
  private next = 1;

  constructor(private users: UserStore, private sets: SetStore, private opts: JobOptions) {}

  job(base: string): Json {
    return {
      link: `${base}/conf/jobs/${this.opts.jobId}`,
      id: this.opts.jobId,
      name: 'Update/Notify Users',
      description: 'Update or notify the users of a set',
      type: { value: 'MANUAL', desc: 'Manual' },
      category: { value: 'USERS', desc: 'Users' },
      content: { value: 'USER', desc: 'Users' },
    };
  }

  run(jobId: string, op: string | null, body: unknown, base: string): Json {
    if (!/^[A-Z]?\d+$/.test(jobId)) throw bad('402215', `Invalid job id format: ${jobId}.`);
    if (jobId !== this.opts.jobId) throw bad('402216', `Invalid job id: ${jobId}.`);
    if (op === null || op === '') throw bad('402220', 'Operation was not provided.');
    if (op !== 'run') throw bad('402221', `Operation is not supported: ${op}.`);
    const plan = readJobParameters(body, this.opts.rolesWithParameters);
    const set = this.sets.sets.get(plan.setId);
    if (!set) throw bad('60107', `Invalid set ID: ${plan.setId}.`);
    const now = this.opts.now();
    const all = [...this.instances.values()];
    if (all.filter((i) => !i.status.startsWith('COMPLETED')).length >= MAX_RUNNING) {
      throw bad('402222', `Execution threshold reached: not more than ${MAX_RUNNING} jobs initiated by the API may run at once.`);
    }
    if (all.filter((i) => i.submitted > now - 3_600_000).length >= MAX_PER_HOUR) {
      throw bad('402223', `Execution threshold reached: this job was started ${MAX_PER_HOUR} times in the previous hour.`);
    }
    const inst: Instance = {
      id: `${1_108_569_450_000_000 + this.next++}`,
      plan, members: [...set.members], submitted: now, polls: 0, status: 'QUEUED', progress: 0,
      counts: { total: set.members.length, updated: 0, unchanged: 0, failed: 0, notified: 0 },
    };
    this.instances.set(inst.id, inst);
    const link = `${base}/conf/jobs/${jobId}/instances/${inst.id}`;
    const parameter = (Array.isArray((body as Json).parameter) ? (body as Json).parameter : []) as Json[];
    return { ...this.job(base), parameter, additional_info: { value: `Job no. ${inst.id} triggered on ${new Date(now).toISOString()}`, link } };
  }

  /** One GET of the instance: it moves on a stage every `stagePolls` GETs. */
  poll(jobId: string, instanceId: string, base: string): Json {
    const inst = this.find(jobId, instanceId);
    if (!inst.status.startsWith('COMPLETED')) {
      inst.polls++;
      const k = this.opts.stagePolls;
      if (inst.polls > 2 * k) this.complete(inst);
      else if (inst.polls > k) {
        inst.status = 'RUNNING';
        inst.started ??= this.opts.now();
        inst.progress = Math.round((100 * (inst.polls - k)) / (k + 1));
      }
    }
    return this.view(inst, base);
  }

  find(jobId: string, instanceId: string): Instance {
    const inst = jobId === this.opts.jobId ? this.instances.get(instanceId) : undefined;
    if (!inst) throw bad('402216', `Invalid job instance id: ${instanceId}.`);
    return inst;
  }

  completeAll(): void {
    for (const inst of this.instances.values()) if (!inst.status.startsWith('COMPLETED')) this.complete(inst);
  }

  private complete(inst: Instance): void {
    const now = this.opts.now();
    inst.started ??= now;
    for (const id of inst.members) {
      const s = this.users.find(id);
      if (!s || this.failing.has(id)) {
        inst.counts.failed++;
        continue;
      }
      const out = applyUpdates(s, inst.plan.updates, this.opts.institution, now);
      if (out.changed) inst.counts.updated++;
      else inst.counts.unchanged++;
      if (inst.plan.notify !== null) {
        const n: Notification = { instanceId: inst.id, primaryId: String(s.user.primary_id), type: inst.plan.notify, email: preferredEmailOf(s.user) };
        if (out.temporaryPassword) n.temporaryPassword = out.temporaryPassword;
        this.notifications.push(n);
        inst.counts.notified++;
      }
    }
    this.users.version++;
    inst.status = inst.counts.failed > 0 ? 'COMPLETED_WARNING' : 'COMPLETED_SUCCESS';
    inst.progress = 100;
    inst.ended = now;
  }

  /** The shape of fixtures/interop/alma-json/job_instance.json. */
  view(inst: Instance, base: string): Json {
    const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
    const counter = (value: string, desc: string, n: number) => ({ type: { value, desc }, value: String(n) });
    const c = inst.counts;
    const done = inst.status.startsWith('COMPLETED');
    const alert = !done ? [] : c.failed > 0
      ? [{ value: 'alert_general_with_warnings', desc: `The job completed with warnings: ${c.failed} users could not be updated.` }]
      : [{ value: 'alert_general_success', desc: 'The job completed successfully.' }];
    return {
      link: `${base}/conf/jobs/${this.opts.jobId}/instances/${inst.id}`,
      id: inst.id,
      external_id: inst.id,
      name: inst.plan.jobName || `Update/Notify Users - ${iso(inst.submitted)}`,
      submitted_by: { value: 'API', desc: 'API' },
      submit_time: iso(inst.submitted),
      ...(inst.started !== undefined ? { start_time: iso(inst.started) } : {}),
      ...(inst.ended !== undefined ? { end_time: iso(inst.ended) } : {}),
      progress: inst.progress,
      status: { value: inst.status, desc: STATUS_DESC[inst.status] },
      status_date: `${new Date(inst.ended ?? inst.started ?? inst.submitted).toISOString().slice(0, 10)}Z`,
      alert,
      counter: done ? [
        counter('c.jobs.users.total', 'Total users in the set', c.total),
        counter('c.jobs.users.updated', 'Users updated', c.updated),
        counter('c.jobs.users.unchanged', 'Users not changed', c.unchanged),
        counter('c.jobs.users.failed', 'Users failed', c.failed),
        counter('c.jobs.users.notified', 'Users notified', c.notified),
      ] : [],
      job_info: { ...this.job(base), name: 'Update/Notify Users' },
    };
  }
}

export function jobRoutes(jobs: JobEngine): Route[] {
  return [
    { method: 'GET', pattern: '/conf/jobs', handle: (ctx) => ok('jobs', { job: [jobs.job(ctx.base)], total_record_count: 1 }) },
    {
      method: 'GET', pattern: '/conf/jobs/{id}', handle: (ctx, [id = '']) => {
        if (id !== jobs.job(ctx.base).id) throw bad('402216', `Invalid job id: ${id}.`);
        return ok('job', jobs.job(ctx.base));
      },
    },
    { method: 'POST', pattern: '/conf/jobs/{id}', handle: (ctx, [id = '']) => ok('job', jobs.run(id, ctx.query.get('op'), ctx.body, ctx.base)) },
    {
      method: 'GET', pattern: '/conf/jobs/{id}/instances', handle: (ctx, [id = '']) => {
        const list = id === jobs.job(ctx.base).id ? [...jobs.instances.values()].map((i) => jobs.view(i, ctx.base)) : [];
        return ok('job_instances', list.length > 0 ? { job_instance: list, total_record_count: list.length } : { total_record_count: 0 });
      },
    },
    { method: 'GET', pattern: '/conf/jobs/{id}/instances/{instance}', handle: (ctx, [id = '', inst = '']) => ok('job_instance', jobs.poll(id, inst, ctx.base)) },
  ];
}
