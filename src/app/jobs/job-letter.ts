import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../../domain/errors.js';
import { parseTally } from '../../domain/jobs/tally.js';
import { JobLetterRenderer, type JobLetterFiles, type JobLetterSubject } from '../../domain/letters/job-letter.js';
import { displayName, preferredEmail } from '../../domain/user-fields.js';
import { readConfig } from '../../store/config.js';
import type { Db } from '../../store/db.js';
import { JobLetters } from '../../store/job-letters.js';
import { JobStore, type JobRow } from '../../store/jobs.js';
import { Outbox } from '../../store/outbox-queue.js';
import { UserStore } from '../../store/users.js';
import { deliver } from '../mail/deliver.js';
import { openTransport } from '../mail/settings.js';
import { builtInTemplatesDir } from '../package-files.js';

/**
 * The "job completed" letter to the operator (CARLI: "You will receive a system job
 * notification email when the job completes"): when a job ends and its operator has an
 * e-mail address, one letter with the job's summary and counters goes through the same
 * outbox and transport as the users' letters, once per end of the job. Off with
 * `--no-job-letter` or `config set mail.job_letters off`.
 *
 * `users sync` and the set loads call sendJobLetter themselves when they end.
 */

export type { JobLetterSubject } from '../../domain/letters/job-letter.js';

/** The notification type the outbox (and mail list) shows for these letters. */
export const JOB_LETTER_TYPE = 'JOB_COMPLETED';

/** Job types whose end is told to the operator; a one-user change is not a job people wait for. */
const TOLD = new Set(['update-notify', 'purge', 'undo', 'sync']);

export interface JobLetterPlace {
  db: Db;
  storePath: string;
  env: NodeJS.ProcessEnv;
}

export interface JobLetterResult {
  /** sent, pending, failed, suppressed; or why none went: off, no-email, not-told, sent-before. */
  status: string;
  recipient?: string | undefined;
  problem?: string | undefined;
}

/** A job of the jobs table as the letter tells it. */
export function jobSubject(job: JobRow, lines: string[] = []): JobLetterSubject {
  return {
    id: job.id, name: job.name ?? job.type, type: job.type, status: job.status, set: job.set_name,
    submitted: job.submitted_at, ended: job.ended_at ?? new Date().toISOString(), counters: parseTally(job.counters).counters, lines,
  };
}

/**
 * Sends the operator's letter for a job that ended (a JobRow), or for a job-like run that is
 * not in the jobs table (a set load: give its summary). `enabled: false` is --no-job-letter.
 */
export async function sendJobLetter(place: JobLetterPlace, job: JobRow | (JobLetterSubject & { operator: string }), o: { enabled?: boolean | undefined; lines?: string[] } = {}): Promise<JobLetterResult> {
  const { db } = place;
  const subject = 'counters' in job && typeof job.counters === 'string' ? jobSubject(job as JobRow, o.lines) : (job as JobLetterSubject);
  if (o.enabled === false || readConfig(db).get('mail.job_letters') === 'off') return { status: 'off' };
  if (!TOLD.has(subject.type) && !subject.type.startsWith('set ')) return { status: 'not-told' };
  const operator = new UserStore(db).get(job.operator);
  const to = operator ? preferredEmail(operator) : undefined;
  if (!operator || !to) return { status: 'no-email' };
  const renderer = await loadJobLetter(db);
  const letter = renderer.render(subject, { name: displayName(operator), primary_id: operator.primary_id, preferred_language: operator.preferred_language });
  const letters = new JobLetters(db);
  let queued: { id: string; status: string } | undefined;
  db.transaction(() => {
    // Once per end of a job: a second call for the same end queues nothing.
    if (letters.has(subject.id, subject.ended)) return;
    queued = new Outbox(db).enqueue({
      jobId: null, userId: operator.id, primaryId: operator.primary_id, type: JOB_LETTER_TYPE, recipient: to,
      subject: letter.subject, html: letter.html, text: letter.text, carriesPassword: false,
    });
    letters.record(subject.id, subject.ended, queued.id);
  }).immediate();
  if (!queued) return { status: 'sent-before', recipient: to };
  if (queued.status === 'suppressed') return { status: 'suppressed', recipient: to };
  const transport = openTransport(place);
  try {
    const r = await deliver(db, { transport, letterIds: [queued.id] });
    return { status: r.sent ? 'sent' : r.failed ? 'failed' : 'pending', recipient: to, problem: r.halted ?? r.failures[0]?.reply };
  } finally {
    await transport.close();
  }
}

/** What an Add Members to Set report (`set create --from-file`, `set add-members`) tells the operator. */
export interface SetLoadSummary {
  set: string;
  set_id: string | null;
  status: string;
  lines: number;
  added: number;
  already_member: number;
  duplicates: number;
  not_found: unknown[];
  invalid: unknown[];
  members: number;
}

/**
 * Sends the operator's letter at the end of an Add Members to Set load, which is not in the
 * jobs table: told as a job of its own, keyed by its set and the moment it ended. A load
 * that made no set (refused by --fail-on-invalid) tells nothing.
 */
export async function sendSetLoadLetter(
  place: JobLetterPlace, report: SetLoadSummary, operator: string, started: string, o: { enabled?: boolean | undefined } = {},
): Promise<JobLetterResult> {
  if (report.set_id === null) return { status: 'not-told' };
  return sendJobLetter(place, {
    id: `set ${report.set_id}`, name: `Add Members to Set ${report.set}`, type: 'set add-members', status: report.status, set: report.set,
    submitted: started, ended: new Date().toISOString(), operator, lines: [],
    counters: {
      lines_read: report.lines, added: report.added, already_member: report.already_member, duplicates: report.duplicates,
      not_found: report.not_found.length, invalid: report.invalid.length, members_now: report.members,
    },
  }, o);
}

/** sendJobLetter for a job of the jobs table, by its id. */
export async function sendJobLetterOf(place: JobLetterPlace, jobId: string, o: { enabled?: boolean | undefined } = {}): Promise<JobLetterResult> {
  const job = new JobStore(place.db).get(jobId);
  return job ? sendJobLetter(place, job, o) : { status: 'not-told' };
}

/** The job letter's layout and labels: from letters.templates_dir when it has them, else the built-in ones. */
export async function loadJobLetter(db: Db): Promise<JobLetterRenderer> {
  const config = readConfig(db);
  const own = config.get('letters.templates_dir');
  const dir = own && fs.existsSync(path.join(own, 'job-letter.txt.liquid')) ? own : builtInTemplatesDir();
  const htmlFile = path.join(dir, 'job-letter.html.liquid');
  const textFile = path.join(dir, 'job-letter.txt.liquid');
  const labelDir = path.join(dir, 'labels', 'job-letter');
  const labels: JobLetterFiles['labels'] = new Map();
  for (const name of (await jobLetterPart(labelDir, () => fsp.readdir(labelDir))).filter((n) => n.endsWith('.json')).sort()) {
    const file = path.join(labelDir, name);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await fsp.readFile(file, 'utf8'));
    } catch (e) {
      throw new InputError(`not a label file: ${(e as Error).message}`, { file }, 'a job letter label file is {"subject": "...", "greeting": "...", ...}');
    }
    labels.set(name.slice(0, -'.json'.length), { file, labels: parsed as Record<string, string> });
  }
  const readPart = (f: string) => jobLetterPart(f, () => fsp.readFile(f, 'utf8'));
  const [htmlSource, textSource] = await Promise.all([readPart(htmlFile), readPart(textFile)]);
  const address = config.get('institution.address') ?? null;
  return new JobLetterRenderer({ htmlFile, htmlSource, textFile, textSource, labels }, {
    name: config.get('institution.name') ?? 'The Library',
    address,
    address_lines: address ? address.split('\n').map((l) => l.trim()).filter(Boolean) : [],
    email: config.get('institution.email') ?? null,
  }, config.get('letters.default_language') ?? 'en');
}

/** A part of the job letter's templates folder, read; one that cannot be is named with what the folder holds. */
async function jobLetterPart<T>(file: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    throw new InputError(`cannot read this part of the job letter: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file },
      'a templates folder with a job-letter.txt.liquid also holds job-letter.html.liquid and labels/job-letter/<language>.json; copy them from the built-in one');
  }
}
