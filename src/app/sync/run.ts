import { isRestrictedAccount, type Operator } from '../../domain/authz.js';
import { USER_CODE_FIELDS, type CodeBook, type CodeTable } from '../../domain/codes.js';
import { controlCharacter, type ImportRecord, type ReadItem, type SourceRef } from '../../domain/import-record.js';
import { changedColumns, describeChanges, RECORD_FIELD, userChanges, type FieldChange } from '../../domain/jobs/changes.js';
import { recordSummary } from '../../domain/jobs/records.js';
import { add, newTally, type Tally } from '../../domain/jobs/tally.js';
import { today } from '../../domain/dates.js';
import { thisProcess } from '../../domain/processes.js';
import { describeIssue, userSchema, type User } from '../../domain/user.js';
import type { StoredUser } from '../../domain/user-fields.js';
import { AuditTrail } from '../../store/audit.js';
import { bulkWrites } from '../../store/bulk-writes.js';
import type { Db } from '../../store/db.js';
import { JobResults } from '../../store/job-results.js';
import { JobStore, type JobRow } from '../../store/jobs.js';
import { maxUserId, profileUsers, setJobTotal, SyncMembers, SyncValues } from '../../store/sync.js';
import { UserColumnWriter } from '../../store/user-columns.js';
import { sameUser, UserStore } from '../../store/users.js';
import { finalStatus } from '../jobs/engine.js';
import { claimJob, submitJob } from '../jobs/submit.js';
import { checkUser } from '../import-check.js';
import { ImportCodes } from '../import-codes.js';
import { batchesOf, fold, primaryIdOf, type ImportSource } from '../import.js';
import { listed, MAX_LISTED, newReport, type SyncReport } from './report.js';
import type { ProtectedField } from '../../domain/protected-fields.js';
import { draftSyncUser, sisChanged, type DraftContext, type SisValues } from './rules.js';

/**
 * `users sync`: SIS records applied to the external users of one profile, as a job. Records
 * are read in batches; each batch's users, audit rows, rejections, SIS values and the job's
 * checkpoint commit together. A sync stopped halfway is run again with the same files: it
 * is idempotent (users it reached are unchanged the second time).
 */

export type SyncSource = ImportSource;

export interface SyncOptions {
  operator: Operator;
  codes: CodeBook;
  profile: string;
  overrides: ReadonlySet<string>;
  missing: 'report' | 'deactivate';
  dryRun: boolean;
  reason?: string | undefined;
  /** The files as named, for the job's parameters. */
  files: string[];
  now?: Date;
}

const BATCH = 2000;
const READ_SLICE = 250;
const COUNTERS = ['records', 'created', 'updated', 'rejected', 'protected_kept', 'missing', 'deactivated', 'repeated'];

/** The users a sync has met, by row id: who is missing at the end. A bit each, grown as users are created. */
class SeenUsers {
  private bits: Uint8Array;
  constructor(max: number) {
    this.bits = new Uint8Array((max >> 3) + 1024);
  }
  /** Marks the user; true when it was marked already (a second record for it). */
  mark(id: number): boolean {
    if (id >> 3 >= this.bits.length) {
      const grown = new Uint8Array(Math.max(this.bits.length * 2, (id >> 3) + 1024));
      grown.set(this.bits);
      this.bits = grown;
    }
    const was = (this.bits[id >> 3]! >> (id & 7)) & 1;
    this.bits[id >> 3]! |= 1 << (id & 7);
    return was === 1;
  }
  has(id: number): boolean {
    return id >> 3 < this.bits.length && ((this.bits[id >> 3]! >> (id & 7)) & 1) === 1;
  }
}

/** What a slice of a batch's records is checked against, read once for the slice. */
interface SliceRead {
  /** The users the slice names, by folded primary ID, as they were before it. */
  users: Map<string, StoredUser>;
  /** sync_values' standing JSON of those users, by row id. */
  sis: Map<number, string>;
  /** Folded primary IDs of the records of the slice met so far. */
  named: Set<string>;
}

export async function syncUsers(db: Db, sources: SyncSource[], o: SyncOptions): Promise<SyncReport> {
  const report = newReport(o.profile, o.dryRun);
  const at = (o.now ?? new Date()).toISOString();
  const actor = o.operator.user.primary_id;
  const users = new UserStore(db);
  const columns = new UserColumnWriter(db);
  const audit = new AuditTrail(db);
  const results = new JobResults(db);
  const sisStore = new SyncValues(db);
  const jobs = new JobStore(db);
  const seen = new SeenUsers(maxUserId(db));
  const tally: Tally = newTally({ labels: [], counters: COUNTERS });
  let job: JobRow | undefined;
  if (!o.dryRun) {
    const params = { profile: o.profile, files: o.files, override: [...o.overrides], missing: o.missing };
    job = submitJob(db, jobs, { type: 'sync', name: `sync ${o.profile}`, set: undefined, params, operator: actor, reason: o.reason, tally });
    job = claimJob(db, jobs, job, ['Pending']);
    report.job = job.id;
  }
  const jobId = job?.id;
  const owner = thisProcess();
  /** The record in hand, numbered from 0 as a job's members are: its row in `job report` (job_members) is written once it is done. */
  let seq = 0;
  let member = { userId: 0, primaryId: '' };
  const members = new SyncMembers(db);
  const done = () => {
    if (jobId) members.add(jobId, seq, member.userId, member.primaryId);
    seq++;
  };
  let checkpoint = 0;

  const reject = (where: SourceRef, primaryId: string | undefined, reason: string, code = 'rejected') => {
    report.rejected++;
    add(tally, 'rejected');
    add(tally, 'errors');
    listed(report, 'rejections', { file: where.file, line: where.line ?? null, record: where.record, primary_id: primaryId || null, reason });
    if (jobId) results.insertIssue(jobId, seq, primaryId ?? '', 'error', code, reason);
  };

  // Users share a few SIS values (a group, a category): each distinct text is parsed once, up to a bound on memory.
  const parsedSis = new Map<string, SisValues>();
  const sisValuesOf = (text: string): SisValues => {
    let v = parsedSis.get(text);
    if (v) return v;
    v = JSON.parse(text) as SisValues;
    if (parsedSis.size < 10_000) parsedSis.set(text, v);
    return v;
  };

  // Codes as people type them, resolved as users import resolves them; a sync adds none (the tables are the library's).
  const codeCheck = new ImportCodes(db, o.codes, { dryRun: o.dryRun, addMissing: false, missingHint: '' });
  const code = (field: ProtectedField, value: unknown): unknown => {
    const table = field === 'rs_libraries' ? 'rs_library' : (USER_CODE_FIELDS as Record<string, CodeTable | undefined>)[field];
    if (!table) return value;
    const one = (v: unknown) => (typeof v === 'string' && v.trim() ? (o.codes.resolve(table, v) ?? v) : v);
    return Array.isArray(value) ? value.map(one) : one(value);
  };

  const draftContext: DraftContext = {
    profile: o.profile,
    overrides: o.overrides,
    newRoles: (rec) => (rec.fields.roles as unknown[] | undefined) ?? rec.roleList ?? [],
    code,
  };

  /**
   * Writes the user and its audit row; returns its row id (undefined in a dry run). An
   * update writes only the columns that changed, so the other columns' indexes are left alone.
   */
  const write = (existing: StoredUser | undefined, user: User, reason: string, changes?: FieldChange[]): number | undefined => {
    if (!jobId) return undefined;
    // A creation is audited as users add's is: `job undo` deletes the user again (unless changed since).
    const done = existing ? (changes ?? userChanges(existing, user)) : [{ field: RECORD_FIELD, before: null, after: recordSummary(user) }];
    const id = existing ? existing.id : users.insert(user, actor, at);
    if (existing) columns.write(existing.id, user, changedColumns(done), actor, at);
    seen.mark(id);
    member.userId = id;
    audit.insert({ job_id: jobId, seq, user_id: id, primary_id: user.primary_id, operator: actor, reason, at, changes: JSON.stringify(done) });
    return id;
  };

  const one = (rec: ImportRecord, read: SliceRead): void => {
    const rawId = primaryIdOf(rec);
    const control = controlCharacter(rec);
    if (control) return reject(rec.at, rawId, control);
    if (!rawId) return reject(rec.at, undefined, 'primary_id is empty');
    const key = fold(rawId);
    // A user an earlier record of this slice named may have been written since the slice was read: read again.
    const again = read.named.has(key);
    read.named.add(key);
    const existing = again ? users.get(rawId) : read.users.get(key);
    if (existing) {
      member.userId = existing.id;
      if (existing.account_type !== 'EXTERNAL') return reject(rec.at, rawId, 'User is not external', 'not-external');
      if (existing.external_id !== o.profile) {
        const owner = existing.external_id ? `SIS profile ${existing.external_id}` : 'no SIS profile (external_id is empty)';
        return reject(rec.at, rawId, `the user belongs to ${owner}, not ${o.profile}`, 'other-profile');
      }
      if (seen.mark(existing.id)) {
        report.repeated++;
        add(tally, 'repeated');
      }
    }
    const lastText = existing ? (again ? sisStore.last(existing.id) : read.sis.get(existing.id)) : undefined;
    const last = lastText === undefined ? undefined : sisValuesOf(lastText);
    const { draft, kept, sis } = draftSyncUser(rec, existing, last, draftContext);
    // zod only where the hand check cannot vouch for the draft, and to word a rejection (as users import does).
    let user = checkUser(draft);
    if (!user) {
      const parsed = userSchema.safeParse(draft);
      if (!parsed.success) return reject(rec.at, rawId, describeIssue(parsed.error));
      user = parsed.data;
    }
    const unknown = codeCheck.check(user, rec);
    if (unknown) return reject(rec.at, rawId, unknown, 'unknown-code');
    if (!o.operator.isAdministrator && ((existing && isRestrictedAccount(o.codes, existing)) || isRestrictedAccount(o.codes, user))) {
      return reject(rec.at, rawId, `only a User Administrator may create or change a user holding a restricted role (operator ${actor} holds User Manager)`, 'restricted');
    }
    for (const k of kept) listed(report, 'protected_kept', { primary_id: user.primary_id, ...k });
    add(tally, 'protected_kept', kept.length);
    const reason = o.reason ?? `users sync ${rec.at.file}`;
    let id = existing?.id;
    if (!existing) {
      id = write(undefined, user, reason);
      report.created++;
      add(tally, 'created');
      add(tally, 'changed');
    } else if (sameUser(existing, user)) {
      report.unchanged++;
      add(tally, 'unchanged');
    } else {
      const changes = userChanges(existing, user);
      for (const c of changes) report.fields_changed[c.field] = (report.fields_changed[c.field] ?? 0) + 1;
      if (report.updates.length < MAX_LISTED) listed(report, 'updates', { primary_id: user.primary_id, changes: describeChanges(changes) });
      else report.not_listed.updates++;
      write(existing, user, reason, changes);
      report.updated++;
      add(tally, 'updated');
      add(tally, 'changed');
    }
    if (jobId && id !== undefined && (existing === undefined || sisChanged(last, sis))) sisStore.insert(id, jobId, JSON.stringify(sis));
  };

  /** Runs `work` as one transaction with the job's checkpoint moved to `seq`; a dry run writes nothing. */
  const commit = (work: () => void) => {
    const run = () => {
      work();
      if (job && !jobs.checkpoint(job.id, checkpoint, seq, JSON.stringify(tally), owner)) {
        throw new Error(`job ${job.id} was taken over while this process ran it`);
      }
      checkpoint = seq;
    };
    if (o.dryRun) run();
    else db.transaction(run).immediate();
  };

  /** The slice's users and their last SIS values, two queries for the slice instead of two a record. */
  const readSlice = (batch: ReadItem[]): SliceRead => {
    const found = users.getMany(batch.map((item) => ('error' in item ? '' : primaryIdOf(item))).filter(Boolean));
    const read: SliceRead = { users: new Map(), sis: new Map(), named: new Set() };
    for (const u of found) read.users.set(fold(u.primary_id), u);
    read.sis = sisStore.lastMany(found.filter((u) => u.account_type === 'EXTERNAL' && u.external_id === o.profile).map((u) => u.id));
    return read;
  };

  /**
   * One transaction a batch, its users read a slice at a time: a whole batch's users held at
   * once survived every young-generation collection, and copying them was a sixth of a sync.
   * A user a slice writes is read again, as written, by a later slice that names it.
   */
  const flush = (batch: ReadItem[]) =>
    commit(() => {
      for (let from = 0; from < batch.length; from += READ_SLICE) flushSlice(batch.slice(from, from + READ_SLICE));
    });

  const flushSlice = (slice: ReadItem[]) => {
    const read = readSlice(slice);
    for (const item of slice) {
      report.records++;
      add(tally, 'records');
      add(tally, 'processed');
      if ('error' in item) {
        member = { userId: 0, primaryId: item.primary_id ?? '' };
        reject(item.at, item.primary_id, item.error, 'unreadable');
      } else {
        member = { userId: 0, primaryId: primaryIdOf(item) };
        one(item, read);
      }
      done();
    }
  };

  /** Users of the profile that no record named: reported, or set INACTIVE. */
  const missing = () => {
    const reason = o.reason ?? 'users sync --missing deactivate: not in the SIS files';
    for (let after = 0; ;) {
      const page = profileUsers(db, o.profile, after, BATCH);
      if (page.length === 0) return;
      after = page[page.length - 1]!.id;
      // A page the files covered whole has nothing to report or write: no transaction for it.
      if (page.every((m) => seen.has(m.id))) continue;
      commit(() => {
        for (const m of page) {
          if (seen.has(m.id)) continue;
          report.missing++;
          add(tally, 'missing');
          listed(report, 'missing_users', { primary_id: m.primary_id, status: m.status });
          if (o.missing !== 'deactivate' || m.status !== 'ACTIVE') continue;
          const user = users.getById(m.id)!;
          member = { userId: m.id, primaryId: m.primary_id };
          write(user, { ...user, status: 'INACTIVE', status_date: today(o.now) }, reason);
          done();
          report.deactivated++;
          add(tally, 'deactivated');
        }
      });
    }
  };

  try {
    await bulkWrites(db, async () => {
      let batch: ReadItem[] = [];
      for (const source of sources) {
        // The reader's own batches where it has them (the CSV reader): one await a batch, not a record.
        for await (const items of batchesOf(source.items)) {
          for (const item of items) {
            batch.push(item);
            if (batch.length >= BATCH) {
              flush(batch);
              batch = [];
            }
          }
        }
      }
      if (batch.length) flush(batch);
      missing();
    });
  } catch (e) {
    if (job) jobs.finish(job.id, owner, 'Failed', new Date().toISOString(), (e as Error).message, JSON.stringify(tally));
    throw e;
  }
  if (job) {
    setJobTotal(db, job.id, seq);
    jobs.finish(job.id, owner, finalStatus(tally), new Date().toISOString(), null, JSON.stringify(tally));
  }
  return report;
}
