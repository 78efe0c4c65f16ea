import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { z } from 'zod';
import { requireAdministrator, resolveOperator, type Operator } from '../../domain/authz.js';
import type { CodeBook } from '../../domain/codes.js';
import { today } from '../../domain/dates.js';
import { ConflictError, PermissionError, UsageError } from '../../domain/errors.js';
import type { ActionEnv } from '../../domain/jobs/actions.js';
import { describeChanges } from '../../domain/jobs/changes.js';
import { executeJob, type MemberSelect } from '../../app/jobs/engine.js';
import type { OpenedLetters } from '../../app/jobs/letters.js';
import { refuseUntoldPasswords, updateNotifyParamsSchema, resolveUpdateNotify, type UpdateNotifyParams } from '../../domain/jobs/params.js';
import { updateNotifyPlanner, type Planner, type UserPlan } from '../../domain/jobs/plan.js';
import { previewJob, type Preview, type PreviewLetter } from '../../app/jobs/preview.js';
import { isHolding, isResumable, RESUMABLE_STATUSES } from '../../domain/jobs/status.js';
import { claimJob, findJob, refuseHeldSet, resumeRefusal, submitJob, type JobSetRef } from '../../app/jobs/submit.js';
import { processGone, thisProcess } from '../../domain/processes.js';
import { newTally } from '../../domain/jobs/tally.js';
import { undoPlanner, type UndoParams } from '../../domain/jobs/undo.js';
import { countMembers, getSet, memberQuery, setMembers, type SetRecord } from '../../app/sets.js';
import type { Db } from '../../store/db.js';
import type { User } from '../../domain/user.js';
import { csvCell } from '../../domain/csv-cell.js';
import { JobStore, type JobRow } from '../../store/jobs.js';
import { countLetters } from '../../store/outbox.js';
import { findSet } from '../../store/sets.js';
import { parseOptions, upper, type CommandResult, type Handler } from '../command.js';
import type { Context } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { ReportOutput } from '../output.js';
import { jobProgress } from '../progress.js';
import { exitForStatus, jobReport } from './jobs-view.js';
import { samePrimaryId } from '../../domain/primary-id.js';
import { STATUSES } from '../../domain/user-fields.js';

const lower = (v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : v);
const bulkSize = z.coerce.number().int().min(1).max(100_000).optional();

const runOptions = z.object({
  set: z.string().trim().min(1),
  addRole: z.array(z.string()).optional(),
  removeRole: z.array(z.string()).optional(),
  status: z.preprocess(upper, z.enum(STATUSES, { message: 'expected active or inactive' }).optional()),
  userGroup: z.string().optional(),
  jobCategory: z.string().optional(),
  jobDescription: z.string().optional(),
  campus: z.string().optional(),
  userTitle: z.string().optional(),
  catalogerLevel: z.string().optional(),
  expiryDate: z.string().optional(),
  purgeDate: z.string().optional(),
  addBlock: z.array(z.string()).optional(),
  removeBlock: z.array(z.string()).optional(),
  addNote: z.string().optional(),
  noteType: z.string().optional(),
  noteUserViewable: z.boolean().optional(),
  addStatistic: z.array(z.string()).optional(),
  removeStatistic: z.array(z.string()).optional(),
  addRsLibrary: z.array(z.string()).optional(),
  removeRsLibrary: z.array(z.string()).optional(),
  convertTo: z.preprocess(lower, z.enum(['internal', 'external'], { message: 'expected internal or external' }).optional()),
  externalId: z.string().optional(),
  passwordReset: z.boolean().optional(),
  notify: z.string().trim().min(1).optional(),
  reason: z.string().trim().min(1).optional(),
  name: z.string().trim().min(1).optional(),
  dryRun: z.boolean().optional(),
  previewFile: z.string().trim().min(1).optional(),
  yes: z.boolean().optional(),
  bulkSize,
});

const undoOptions = z.object({
  dryRun: z.boolean().optional(),
  previewFile: z.string().trim().min(1).optional(),
  force: z.boolean().optional(),
  reason: z.string().trim().min(1).optional(),
  yes: z.boolean().optional(),
});

function actionEnv(op: Operator, codes: CodeBook): ActionEnv {
  return { today: today(), operator: op.user.primary_id, isAdministrator: op.isAdministrator, codes };
}

/** `job run update-notify --set NAME [actions...]` */
export const runJob: Handler = async (ctx, [type], opts) => {
  if (type !== 'update-notify') {
    throw new UsageError(`unknown job type ${type ?? ''}`.trim(), 'the job type is update-notify (to revert a job: alma-users job undo ID)');
  }
  const o = parseOptions(runOptions, opts);
  if (o.previewFile && !o.dryRun) throw new UsageError('--preview-file goes with --dry-run');
  const operator = ctx.operator();
  const db = ctx.store();
  const codes = ctx.codes();
  const params = resolveUpdateNotify(o, codes);
  const set = getSet(db, o.set, operator);
  const members = memberQuery(db, set);
  const env = actionEnv(operator, codes);
  if (!operator.isAdministrator) {
    const restricted = [...params.add_roles, ...params.remove_roles].filter((r) => codes.get('role', r.role)?.attrs.restricted);
    for (const r of restricted) {
      ctx.warn(`operator ${operator.user.primary_id} is a User Manager: only a User Administrator may add or remove ${r.role}; every user it would change gets the error "restricted account"`);
    }
  }
  const planner = updateNotifyPlanner(params, env);
  const letters = params.notify ? await openLetters(ctx, params.notify, firstMember(db, set) ?? operator.user) : undefined;
  let job: JobRow;
  // Until the job runs with them, nothing will be sent: a dry run, a declined confirmation or
  // a refusal lets go of the transport (an SMTP pool) at once.
  let handedOver = false;
  try {
    if (o.dryRun) {
      return dryRun(ctx, { set: set.name, planner, members, previewFile: o.previewFile, jobLabel: 'update-notify', allowsLetterTo: letters?.allows });
    }
    const jobs = new JobStore(db);
    refuseHeldSet(jobs, set);
    const count = countMembers(db, set);
    await confirm(ctx, o.yes, [
      `Job:      update-notify${o.name ? ` (${o.name})` : ''}`,
      `Set:      ${set.name} (${count} member${count === 1 ? '' : 's'} now)`,
      `Actions:  ${planner.labels.join('\n          ')}`,
      ...(o.reason ? [`Reason:   ${o.reason}`] : []),
    ]);
    const submitted = submitJob(db, jobs, {
      type: 'update-notify', name: o.name, set, params, operator: operator.user.primary_id, reason: o.reason, tally: newTally(planner),
    });
    job = claimJob(db, jobs, submitted, ['Pending']);
    handedOver = true;
  } finally {
    if (!handedOver) await letters?.close();
  }
  ctx.info(`job ${job.id} submitted: update-notify on set ${set.name}`);
  return execute(ctx, job, members, planner, letters, o.bulkSize);
};

/** A sample member for the letter's preflight; the iterator is closed so its statement is released. */
function firstMember(db: Db, set: SetRecord): User | undefined {
  const it = setMembers(db, set, 1);
  try {
    return it.next().value ?? undefined;
  } finally {
    it.return(undefined);
  }
}

/** Runs a submitted (or reclaimed) job with progress on a terminal and Ctrl-C honoured between bulks. */
async function execute(
  ctx: Context, job: JobRow, members: MemberSelect | undefined, planner: Planner,
  letters: OpenedLetters | undefined, size: number | undefined, notes: string[] = [],
): Promise<CommandResult> {
  const db = ctx.store();
  const progress = await jobProgress(ctx, `job ${job.id}`);
  const stop = stopOnSignals(ctx, job.id);
  try {
    const final = await executeJob(job, members, {
      db, jobs: new JobStore(db), owner: thisProcess(), planner, letters: letters?.port, signal: stop.signal,
      onProgress: (p) => progress.update(p), bulkSize: size,
    });
    progress.stop();
    ctx.info(`job ${final.id}: ${final.status}`);
    const problem = letters?.problem();
    const all = problem ? [...notes, `sending stopped: ${problem}; the letters left stay pending: alma-users mail retry --job ${final.id}`] : notes;
    return { output: jobReport(db, final, all), exit: exitForStatus(final.status) };
  } finally {
    progress.stop();
    stop.dispose();
    await letters?.close();
  }
}

/**
 * The first SIGINT or SIGTERM asks the job to stop after the bulk in flight; a second one
 * stops the process at once (the job is then found Aborted by System and can be resumed).
 */
function stopOnSignals(ctx: Context, jobId: string): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      dispose();
      process.kill(process.pid, sig);
      return;
    }
    ctx.warn(`${sig}: job ${jobId} stops after the bulk in flight (again to stop at once; alma-users job resume ${jobId} finishes it)`);
    controller.abort();
  };
  const dispose = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { signal: controller.signal, dispose };
}

/** On a terminal, shows what is about to happen and asks; --yes, or no terminal, goes ahead. */
async function confirm(ctx: Context, yes: boolean | undefined, summary: string[]): Promise<void> {
  if (yes || !ctx.io.stdin.isTTY || !ctx.io.stderr.isTTY) return;
  ctx.io.stderr.write(summary.join('\n') + '\n');
  const rl = createInterface({ input: ctx.io.stdin, output: ctx.io.stderr as NodeJS.WritableStream });
  try {
    const answer = (await rl.question('Run this job? [y/N] ')).trim().toLowerCase();
    if (answer !== 'y' && answer !== 'yes') throw new ConflictError('not confirmed; nothing was changed', 'add --yes to run without asking');
  } finally {
    rl.close();
  }
}

/** The letter machinery of a job that notifies: checked against a sample member before anything runs. */
async function openLetters(ctx: Context, type: string, sample: User): Promise<OpenedLetters> {
  // Loaded only by jobs that send letters: the template engine and the mailer are heavy.
  const { openLetterPort } = await import('../../app/jobs/letters.js');
  const letters = await openLetterPort({ db: ctx.store(), storePath: ctx.storePath, env: ctx.io.env });
  try {
    letters.port.check(type, sample);
  } catch (e) {
    await letters.close();
    throw e;
  }
  return letters;
}

interface DryRunInput {
  notes?: string[];
  set: string;
  planner: Planner;
  members: MemberSelect;
  previewFile: string | undefined;
  jobLabel: string;
  /** The allow-list of the outbox: a letter to another address would be suppressed. */
  allowsLetterTo?: ((address: string) => boolean) | undefined;
}

const PREVIEW_COLUMNS = ['primary_id', 'outcome', 'changes', 'letter', 'reason'];

/** --dry-run: every member planned as the job would, nothing written or sent. */
function dryRun(ctx: Context, d: DryRunInput): CommandResult {
  const db = ctx.store();
  const file = d.previewFile ? path.resolve(ctx.io.cwd, d.previewFile) : undefined;
  const writer = file ? new CsvLines(file) : undefined;
  writer?.line(PREVIEW_COLUMNS);
  let preview: Preview;
  try {
    preview = previewJob(new JobStore(db), d.members, d.planner, {
      allowsLetterTo: d.allowsLetterTo,
      onPlan: writer ? (plan, letter) => writer.line(previewRow(plan, letter)) : undefined,
    });
  } finally {
    writer?.close();
  }
  const c = preview.tally.counters;
  const lines = [
    ...(d.notes ?? []),
    `dry run: nothing was changed and nothing was sent`,
    ...(file ? [`every user's planned change: ${file}`] : []),
  ];
  const output: ReportOutput = {
    kind: 'report',
    json: {
      dry_run: true, type: d.jobLabel, set: d.set, members: preview.members,
      counters: c, actions: preview.tally.actions, samples: preview.samples, issues: preview.issues, preview_file: file ?? null,
    },
    sections: [
      { kind: 'fields', fields: [['Dry run', d.jobLabel], ['Set', d.set], ['Members', preview.members], ['Would change', c.changed], ['Unchanged', c.unchanged], ['Would fail', c.errors], ['With warnings', c.warnings]] },
      {
        title: 'Per action', kind: 'table',
        columns: [{ key: 'action', header: 'Action' }, { key: 'changed', header: 'Would change' }, { key: 'unchanged', header: 'Unchanged' }, { key: 'failed', header: 'Would fail' }],
        rows: preview.tally.actions.map((a) => ({ ...a })),
      },
      {
        title: `First ${preview.samples.length} users changed (before -> after)`, kind: 'table',
        columns: [{ key: 'primary_id', header: 'Primary ID' }, { key: 'changes', header: 'Changes' }],
        rows: preview.samples.map((s) => ({ primary_id: s.primary_id, changes: s.changes.join('; ') })),
      },
      {
        title: 'Errors and warnings', kind: 'table',
        columns: [{ key: 'severity', header: 'Severity' }, { key: 'message', header: 'Reason' }, { key: 'users', header: 'Users' }],
        rows: preview.issues.map((i) => ({ ...i })),
      },
      { kind: 'lines', lines },
    ],
  };
  return { output, exit: (c.errors ?? 0) > 0 || (c.warnings ?? 0) > 0 ? EXIT.partial : EXIT.ok };
}

function previewRow(plan: UserPlan, letter: PreviewLetter): string[] {
  const outcome = plan.failed ? 'error' : plan.after ? 'would change' : 'unchanged';
  const l = letter === 'queued' ? 'yes' : letter ?? '';
  return [plan.before.primary_id, outcome, describeChanges(plan.changes), l, plan.issues.map((i) => i.message).join('; ')];
}

/** A CSV file written line by line in chunks, so a million-line preview never sits in memory. */
class CsvLines {
  private readonly fd: number;
  private buffer: string[] = [];

  constructor(readonly file: string) {
    try {
      this.fd = fs.openSync(file, 'w');
    } catch (e) {
      throw new UsageError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }

  line(cells: string[]): void {
    this.buffer.push(cells.map(csvCell).join(',') + '\r\n');
    if (this.buffer.length >= 1000) this.flush();
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }

  private flush(): void {
    if (this.buffer.length) fs.writeSync(this.fd, this.buffer.join(''));
    this.buffer = [];
  }
}

/** Only the job's operator or a User Administrator may stop, resume or take over a job. */
function requireJobOwner(op: Operator, job: JobRow, what: string): void {
  if (op.isAdministrator || samePrimaryId(op.user.primary_id, job.operator)) return;
  throw new PermissionError(`job ${job.id} was run by ${job.operator}; only they or a User Administrator may ${what} it`);
}

export const cancel: Handler = (ctx, [id]) => {
  const op = ctx.operator();
  const jobs = new JobStore(ctx.store());
  const job = findJob(jobs, id);
  requireJobOwner(op, job, 'cancel');
  if (!jobs.requestCancel(job.id)) {
    throw new ConflictError(`job ${job.id} is not running (${jobs.get(job.id)?.status ?? job.status}); there is nothing to cancel`);
  }
  ctx.info(`job ${job.id} will stop after the bulk in flight and end as Aborted by User`);
  return {
    output: {
      kind: 'report',
      json: { id: job.id, status: job.status, cancel_requested: true },
      sections: [{ kind: 'fields', fields: [['Job', job.id], ['Status', job.status], ['Cancel requested', true]] }],
    },
  };
};

const resumeOptions = z.object({ bulkSize });

export const resume: Handler = async (ctx, [id], opts) => {
  const o = parseOptions(resumeOptions, opts);
  const op = ctx.operator();
  const db = ctx.store();
  const jobs = new JobStore(db);
  const job = findJob(jobs, id);
  requireJobOwner(op, job, 'resume');
  const refusal = resumeRefusal(jobs, job);
  if (refusal) throw refusal;
  // The job keeps its operator's authority, as it stands today.
  const jobOperator = resolveOperator((id) => ctx.users.get(id), job.operator);
  const codes = ctx.codes();
  const env = actionEnv(jobOperator, codes);
  const set = job.set_id ? findSet(db, job.set_id) : undefined;
  let planner: Planner;
  let members: MemberSelect | undefined;
  let letters: OpenedLetters | undefined;
  if (job.type === 'undo') {
    const p = JSON.parse(job.params) as UndoParams;
    planner = undoPlanner(jobs, findJob(jobs, p.undo_of), p, env);
    members = jobs.auditMembers(p.undo_of);
  } else {
    const params: UpdateNotifyParams = updateNotifyParamsSchema.parse(JSON.parse(job.params));
    // A job recorded before this rule could never finish; say why and what to run instead.
    refuseUntoldPasswords(params);
    planner = updateNotifyPlanner(params, env);
    members = set ? memberQuery(db, set) : undefined;
    if (params.notify) letters = await openLetters(ctx, params.notify, jobOperator.user);
  }
  let claimed: JobRow;
  try {
    if ((job.stage === 'Pending' || job.stage === 'Initialization') && !members) {
      throw new ConflictError(`job ${job.id} stopped before it froze its members, and its set no longer exists`);
    }
    // Atomic: of two `job resume` of this job, exactly one gets here; the other is told who runs it.
    claimed = claimJob(db, jobs, job, RESUMABLE_STATUSES);
  } catch (e) {
    await letters?.close();
    throw e;
  }
  ctx.info(`resuming job ${job.id} at ${claimed.processed} of ${claimed.total} users`);
  return execute(ctx, claimed, members, planner, letters, o.bulkSize);
};

const abortOptions = z.object({ force: z.boolean().optional() });

/**
 * `job abort ID --force`: for a job left Running by a process that a person knows is dead
 * but this host cannot tell (it ran on another host, or the system gives no boot id and
 * the pid was reused). User Administrator only; the job becomes Aborted by System, resumable.
 */
export const abort: Handler = (ctx, [id], opts) => {
  const o = parseOptions(abortOptions, opts);
  const op = ctx.operator();
  requireAdministrator(op, 'declare a job\'s process dead');
  const jobs = new JobStore(ctx.store());
  const job = findJob(jobs, id);
  if (!isHolding(job.status)) throw new ConflictError(`job ${job.id} is not running (${job.status}); there is nothing to abort`);
  const where = `pid ${job.pid ?? '?'} on ${job.host ?? '?'}`;
  if (!o.force) {
    throw new UsageError(
      `job ${job.id} is ${job.status.toLowerCase()} (${where}); abort only a job whose process you know is dead`,
      `to stop a live job: alma-users job cancel ${job.id}; if its process is gone: alma-users job abort ${job.id} --force`,
    );
  }
  if (job.host === os.hostname() && job.pid !== null && !processGone({ pid: job.pid, host: job.host, boot: job.boot_id })) {
    throw new ConflictError(
      `job ${job.id} is run by ${where}, which is alive on this machine; it was not aborted`,
      `ask it to stop: alma-users job cancel ${job.id}`,
    );
  }
  const at = new Date().toISOString();
  if (!jobs.abandon(job.id, job.pid, at, `declared dead by ${op.user.primary_id} (job abort --force); it was run by ${where}`)) {
    throw new ConflictError(`job ${job.id} changed while it was being aborted; see: alma-users job show ${job.id}`);
  }
  ctx.warn(`job ${job.id} is now Aborted by System; if ${where} is in fact alive, it stops at its next bulk without finishing`);
  ctx.info(`finish it with: alma-users job resume ${job.id}`);
  return { output: jobReport(ctx.store(), jobs.get(job.id)!), exit: EXIT.ok };
};

export const undo: Handler = async (ctx, [id], opts) => {
  const o = parseOptions(undoOptions, opts);
  if (o.previewFile && !o.dryRun) throw new UsageError('--preview-file goes with --dry-run');
  const op = ctx.operator();
  const db = ctx.store();
  const jobs = new JobStore(db);
  const original = findJob(jobs, id);
  if (isHolding(original.status)) {
    throw new ConflictError(`job ${original.id} is still ${original.status.toLowerCase()}`, `wait for it to end, or stop it first: alma-users job cancel ${original.id}`);
  }
  const previous = jobs.undosOf(original.id)[0];
  if (previous && !o.dryRun) {
    if (isHolding(previous.status)) throw new ConflictError(`job ${original.id} is being undone by job ${previous.id} (${previous.status})`);
    if (isResumable(previous.status)) {
      throw new ConflictError(`undo job ${previous.id} of job ${original.id} stopped before it finished (${previous.status})`, `finish it: alma-users job resume ${previous.id}`);
    }
    throw new ConflictError(`job ${original.id} was already undone by job ${previous.id} (${previous.status})`, `to put its changes back, undo the undo: alma-users job undo ${previous.id}`);
  }
  const params: UndoParams = { undo_of: original.id, force: o.force === true };
  const planner = undoPlanner(jobs, original, params, actionEnv(op, ctx.codes()));
  const members = jobs.auditMembers(original.id);
  const sent = queuedLetters(db, original.id);
  const notes = sent > 0 ? [`letters cannot be unsent: job ${original.id} queued ${sent} letter(s), which stay as they went`] : [];
  // An undone job can no longer be resumed (what it changed next could not be undone):
  // undoing a job that stopped halfway reverts the users it reached and ends it for good.
  const unfinished = isResumable(original.status);
  if (unfinished) {
    notes.push(`job ${original.id} stopped before it finished (${original.status}, ${original.processed} of ${original.total} users): ` +
      'only the users it reached are undone, and once undone it can no longer be resumed');
  }
  if (o.dryRun) return dryRun(ctx, { set: original.set_name ?? '', planner, members, previewFile: o.previewFile, jobLabel: `undo of job ${original.id}`, notes });

  const set: JobSetRef | undefined = original.set_id ? { id: original.set_id, name: original.set_name ?? original.set_id } : undefined;
  if (set) refuseHeldSet(jobs, set);
  const count = jobs.auditCount(original.id);
  await confirm(ctx, o.yes, [
    `Undo:     job ${original.id}${original.name ? ` (${original.name})` : ''}, ${original.status}`,
    `Users:    ${count} changed by it`,
    `Force:    ${o.force ? 'yes: later changes are overwritten' : 'no: later changes are kept (conflicts)'}`,
    ...(unfinished ? [`Note:     it stopped before it finished; once undone it cannot be resumed`] : []),
  ]);
  const submitted = submitJob(db, jobs, {
    type: 'undo', name: `undo of ${original.name ?? original.id}`, set, params, operator: op.user.primary_id,
    reason: o.reason, tally: newTally(planner), undoOf: original.id,
  });
  const job = claimJob(db, jobs, submitted, ['Pending']);
  ctx.info(`job ${job.id} submitted: undo of job ${original.id}`);
  return execute(ctx, job, members, planner, undefined, undefined, notes);
};

/** Letters a job put in the outbox (sent or not): what an undo cannot take back. */
function queuedLetters(db: Db, jobId: string): number {
  const c = countLetters(db, jobId);
  return Object.entries(c).reduce((n, [status, k]) => (status === 'suppressed' || status === 'discarded' ? n : n + k), 0);
}
