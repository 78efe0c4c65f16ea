import { AuditTrail } from '../store/audit.js';
import { bulkWrites } from '../store/bulk-writes.js';
import { loadCodeBook } from '../store/codes.js';
import type { Db } from '../store/db.js';
import { sameUser, UserStore } from '../store/users.js';
import { isRestrictedAccount } from '../domain/authz.js';
import { SeenIds } from '../domain/import-seen.js';
import { controlCharacter, type CellRow, type CellRows, type ImportRecord, type ReadItem, type SourceRef } from '../domain/import-record.js';
import { describeChange, userChanges, type FieldChange } from '../domain/jobs/changes.js';
import { revert } from '../domain/jobs/undo.js';
import { hashPassword, verifyPassword } from '../domain/password.js';
import { describeIssue, userSchema, type User } from '../domain/user.js';
import type { StoredUser } from '../domain/user-fields.js';
import { newUserPlan } from './import-cells.js';
import { checkUser, hasMandatoryFields, MANDATORY } from './import-check.js';
import { ImportCodes } from './import-codes.js';
import { combineRoles, givesRoles, recordOntoUser } from './import-merge.js';
import { MAX_REJECTIONS, type ImportChange, type ImportOptions, type ImportReport } from './import-report.js';

/**
 * `users import`: records from the readers (src/io) are validated against the user model
 * and the code tables, compared with the store, and written in transactions of up to
 * BATCH users. A record that cannot be used is rejected with its place and reason and
 * the others load; a rerun of the same files changes nothing more (unchanged users stay so).
 * A primary ID given twice: the later record wins, as if the earlier had not been given.
 */

export interface ImportSource {
  /**
   * The records; a reader that reads in batches (the CSV reader) also gives `batches()`,
   * which the import takes, and may give its rows as cells (`rows`), from which the import
   * builds most new users.
   */
  items: (AsyncIterable<ReadItem> | Iterable<ReadItem>) & { batches?: () => AsyncIterable<ReadItem[]>; rows?: CellRows };
}

/** A source's records in batches, as its reader gives them or gathered here (PIECE at a time). */
export async function* batchesOf(items: ImportSource['items']): AsyncGenerator<ReadItem[]> {
  if (items.batches) {
    yield* items.batches();
    return;
  }
  let batch: ReadItem[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length >= PIECE) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/**
 * The users of a piece of a file (the CSV reader's 64 KB, or PIECE records of another
 * format) are written as soon as it is read, so that its records die young: a batch of
 * thousands held until written was copied by every garbage collection meanwhile (about 8 %
 * of the CPU, and 255 MB at 1,000,000 users against 197). Several pieces share one
 * transaction, committed once it holds BATCH users or has been open HOLD_MS, since a
 * commit per piece rewrote the same index pages (8 % slower at 1,000,000 users, and 2-4 %
 * for 4,000 users a transaction against 20,000); 20,000 new users take about 0.3 s, and
 * HOLD_MS bounds a slower file, so no other writer waits much longer than behind a job's bulk.
 */
const PIECE = 500;
const BATCH = 20_000;
const HOLD_MS = 1000;
const SAMPLES = 10;

/** What became of a record, kept with its place for the record of the same ID that may follow. */
const CREATED = 0;
const UPDATED = 1;
const UNCHANGED = 2;
const NOT_USED = 3;
type Outcome = typeof CREATED | typeof UPDATED | typeof UNCHANGED | typeof NOT_USED;

/** SQLite's NOCASE folds ASCII letters only; so does the duplicate check (and users sync's batch of users). */
export function fold(id: string): string {
  return /[^\x00-\x7f]/.test(id) ? id.replace(/[A-Z]/g, (c) => c.toLowerCase()) : id.toLowerCase();
}

/** The record's primary ID, trimmed ('' when it gives none). */
export function primaryIdOf(rec: ImportRecord): string {
  return typeof rec.fields.primary_id === 'string' ? rec.fields.primary_id.trim() : '';
}

interface Pending {
  rec: ImportRecord;
  passwordHash?: string;
}

type Tally = Record<'created' | 'updated' | 'unchanged', number>;

/** A row the plan made a new user of (import-cells.ts): written as it is unless the store or this import already has its ID. */
interface FromCells {
  rec?: undefined;
  row: CellRow;
  user: User;
  rows: CellRows;
}

export async function importUsers(db: Db, sources: ImportSource[], opts: ImportOptions): Promise<ImportReport> {
  const dryRun = opts.dryRun === true;
  const roleMode = opts.roles ?? 'merge';
  const at = (opts.now ?? new Date()).toISOString();
  const actor = opts.operator.user.primary_id;
  const users = new UserStore(db);
  // Updates are audited as jobs' changes are, so `users history` shows them and `job undo`
  // sees a later import as a conflict. A creation's record is the user's created_* columns.
  const audit = new AuditTrail(db);
  const codes = new ImportCodes(db, loadCodeBook(db), { dryRun, addMissing: opts.addMissingCodes === true });
  const report: ImportReport = {
    dry_run: dryRun, created: 0, updated: 0, unchanged: 0, rejected: 0, rejections: [], rejections_not_listed: 0,
    superseded: 0, superseded_records: [], roles_removed: 0, samples: [], codes_added: codes.added,
  };
  const files: string[] = [];
  const seen = new SeenIds();

  const place = (where: SourceRef) => {
    let f = files.indexOf(where.file);
    if (f < 0) f = files.push(where.file) - 1;
    return f * 2 ** 32 + (where.line ?? where.record);
  };
  /**
   * The rejections listed are the first MAX_REJECTIONS in file order: a row the reader refuses
   * is rejected as it is read, the rows of its batch before it only when the batch is written.
   */
  const firstRejections = () => {
    const rows = report.rejections;
    rows.sort((a, b) => place({ file: a.file, line: a.line ?? undefined, record: a.record }) - place({ file: b.file, line: b.line ?? undefined, record: b.record }));
    if (rows.length > MAX_REJECTIONS) rows.length = MAX_REJECTIONS;
    report.rejections_not_listed = report.rejected - rows.length;
  };

  const reject = (where: SourceRef, primaryId: string | undefined, reason: string): Outcome => {
    report.rejected++;
    report.rejections.push({ file: where.file, line: where.line ?? null, record: where.record, primary_id: primaryId || null, reason });
    // Cut back now and then, so that a file of a million bad rows never holds more than twice the list.
    if (report.rejections.length >= 2 * MAX_REJECTIONS) firstRejections();
    return NOT_USED;
  };
  const describePlace = (n: number) => `${files[Math.floor(n / 2 ** 32)]!}:${n % 2 ** 32}`;

  /** The user as it was before this import's earlier record of it changed it (read back from the audit). */
  const beforeImport = (current: StoredUser): StoredUser => {
    const row = audit.history(current.id).filter((a) => a.job_id === null && a.at === at && a.operator === actor).pop();
    if (!row) return current;
    const changes = JSON.parse(row.changes) as FieldChange[];
    return changes.reduceRight((u: User, c) => revert(u, c), current) as StoredUser;
  };

  const noteChange = (user: User, before: User | undefined, where: SourceRef) => {
    if (!dryRun || (!opts.onChange && report.samples.length >= SAMPLES)) return;
    const from = before ?? userSchema.parse({ primary_id: user.primary_id });
    const change: ImportChange = {
      primary_id: user.primary_id, outcome: before ? 'update' : 'create', at: describePlace(place(where)),
      changes: userChanges(from, user).map(describeChange),
    };
    if (report.samples.length < SAMPLES) report.samples.push(change);
    opts.onChange?.(change);
  };

  /** One record, against `base` (the user before this import; undefined: none), written over `current`. */
  const apply = (p: Pending, rawId: string, base: StoredUser | undefined, current: StoredUser | undefined): Outcome => {
    const rec = p.rec;
    const merged = recordOntoUser(base, rec, p.passwordHash);
    // zod only where the hand check cannot vouch for the record, and to word a rejection.
    let user = checkUser(merged);
    if (!user) {
      const parsed = userSchema.safeParse(merged);
      if (!parsed.success) return reject(rec.at, rawId, describeIssue(parsed.error));
      user = parsed.data;
    }
    // The list of what is missing is built only for a rejection: a million new users pass.
    if (!base && !hasMandatoryFields(user)) {
      const missing = MANDATORY.filter(([f]) => !String(user[f] ?? '').trim()).map(([f, label]) => `${label} (${f})`);
      return reject(rec.at, rawId, `a new user needs Alma's mandatory fields First Name, Last Name and Primary Identifier; missing: ${missing.join(', ')}`);
    }
    const problem = codes.check(user, rec);
    if (problem) return reject(rec.at, rawId, problem);
    let removed = 0;
    if (base && givesRoles(rec)) ({ roles: user.roles, removed } = combineRoles(base.roles, user.roles, rec, roleMode));
    const bare = user.roles.find((r) => r.parameters.length === 0 && codes.book.needsParameters(r.role));
    if (bare) return reject(rec.at, rawId, `role ${bare.role} needs parameters (such as its circulation desk), which the file does not give`);

    const outcome = !base ? CREATED : sameUser(base, user) ? UNCHANGED : UPDATED;
    if (outcome !== UNCHANGED && !opts.operator.isAdministrator && ((base && isRestrictedAccount(codes.book, base)) || isRestrictedAccount(codes.book, user))) {
      return reject(rec.at, rawId, `only a User Administrator may create or change a user holding a restricted role (operator ${actor} holds User Manager)`);
    }
    if (outcome !== UNCHANGED) {
      report.roles_removed += removed;
      noteChange(user, base, rec.at);
    }
    if (dryRun) return outcome;
    if (!current) users.insert(user, actor, at);
    else if (!sameUser(current, user)) {
      users.update(current.id, user, actor, at);
      // A user this import created is audited by its created_* columns alone.
      if (base) {
        audit.insert({
          job_id: null, seq: null, user_id: current.id, primary_id: current.primary_id, operator: actor,
          reason: `users import ${rec.at.file}`, at, changes: JSON.stringify(userChanges(current, user)),
        });
      }
    }
    return outcome;
  };

  /**
   * One record, inside the open transaction (which several pieces share): counted in the
   * tally, or rejected. `known` holds the piece's users as they were before it (by folded
   * primary ID); a user an earlier record of this import wrote is read again.
   */
  const processOne = (p: Pending, tally: Tally, known: Map<string, StoredUser>) => {
    const rec = p.rec;
    const rawId = primaryIdOf(rec);
    const control = controlCharacter(rec);
    if (control) return reject(rec.at, rawId, control);
    if (!rawId) return apply(p, rawId, undefined, undefined);
    const key = fold(rawId);
    const here = place(rec.at);
    const earlier = seen.swap(key, here * 4 + NOT_USED);
    const current = earlier === undefined ? known.get(key) : users.get(rawId);
    const was = earlier === undefined ? undefined : ((earlier % 4) as Outcome);
    // The later record wins: it is laid onto the user as it was before the earlier one.
    const base = was === CREATED ? undefined : was === UPDATED && current && !dryRun ? beforeImport(current) : current;
    const outcome = apply(p, rawId, base, current);
    if (outcome === NOT_USED) {
      // A rejected record supersedes nothing: the earlier one stands.
      if (earlier !== undefined) seen.swap(key, earlier);
      return;
    }
    seen.swap(key, here * 4 + outcome);
    if (was !== undefined) {
      report.superseded++;
      if (report.superseded_records.length < MAX_REJECTIONS) {
        report.superseded_records.push({ primary_id: rawId, superseded: describePlace(Math.floor(earlier! / 4)), by: describePlace(here) });
      }
      if (was === CREATED) tally.created--;
      else if (was === UPDATED) tally.updated--;
      else if (was === UNCHANGED) tally.unchanged--;
    }
    if (outcome === CREATED) tally.created++;
    else if (outcome === UPDATED) tally.updated++;
    else tally.unchanged++;
  };

  const take = (item: ReadItem, batch: (Pending | FromCells)[]) => {
    if ('error' in item) reject(item.at, item.primary_id, item.error);
    else batch.push({ rec: item });
  };

  /** Users written in the open transaction, and since when it is open. */
  let written = 0;
  let openedAt = 0;
  const commit = () => {
    if (users.writing) users.commit();
    written = 0;
  };

  /**
   * A row the plan made a new user of: created unless the store or an earlier record of
   * this import has its ID, or the operator may not create it; then it takes the general path.
   */
  const fromCells = (p: FromCells, tally: Tally, known: Map<string, StoredUser>) => {
    const key = fold(p.user.primary_id);
    if (!known.has(key) && (opts.operator.isAdministrator || !isRestrictedAccount(codes.book, p.user))) {
      const earlier = seen.swap(key, place(p.row.at) * 4 + CREATED);
      if (earlier === undefined) {
        tally.created++;
        noteChange(p.user, undefined, p.row.at);
        if (!dryRun) users.insert(p.user, actor, at);
        return;
      }
      seen.swap(key, earlier);
    }
    const item = p.rows.read(p.row);
    if ('error' in item) reject(item.at, item.primary_id, item.error);
    else processOne({ rec: item }, tally, known);
  };

  const flush = async (batch: (Pending | FromCells)[]) => {
    // scrypt takes tens of milliseconds a password: not while holding the write lock.
    if (batch.some((p) => p.rec?.password !== undefined)) commit();
    for (const p of batch) {
      const password = p.rec?.password;
      if (!p.rec || password === undefined) continue;
      const id = primaryIdOf(p.rec);
      const stored = id ? users.get(id)?.password_hash : undefined;
      p.passwordHash = stored && (await verifyPassword(password, stored)) ? stored : await hashPassword(password);
    }
    const tally: Tally = { created: 0, updated: 0, unchanged: 0 };
    const run = () => {
      const known = new Map<string, StoredUser>();
      for (const u of users.getMany(batch.map((p) => (p.rec ? primaryIdOf(p.rec) : p.user.primary_id)).filter(Boolean))) known.set(fold(u.primary_id), u);
      for (const p of batch) {
        if (p.rec) processOne(p, tally, known);
        else fromCells(p, tally, known);
      }
    };
    if (dryRun) run();
    else {
      if (!users.writing) {
        users.begin();
        openedAt = Date.now();
      }
      run();
      written += batch.length;
      if (written >= BATCH || Date.now() - openedAt >= HOLD_MS) commit();
    }
    report.created += tally.created;
    report.updated += tally.updated;
    report.unchanged += tally.unchanged;
  };

  try {
    await bulkWrites(db, async () => {
      for (const source of sources) {
        const rows = source.items.rows;
        const plan = rows && newUserPlan(rows.columns, codes.book);
        if (rows && plan) {
          for await (const entries of rows.batches()) {
            const batch: (Pending | FromCells)[] = [];
            for (const e of entries) {
              if ('error' in e) take(e, batch);
              else {
                const user = plan(e.cells);
                if (user) batch.push({ row: e, user, rows });
                else take(rows.read(e), batch);
              }
            }
            if (batch.length) await flush(batch);
          }
          continue;
        }
        for await (const items of batchesOf(source.items)) {
          const batch: Pending[] = [];
          for (const item of items) take(item, batch);
          if (batch.length) await flush(batch);
        }
      }
      commit();
    });
  } finally {
    // A failure midway: the users of the open transaction are not written, as a batch's were not.
    users.rollback();
  }
  firstRejections();
  return report;
}
