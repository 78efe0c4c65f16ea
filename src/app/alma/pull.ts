import path from 'node:path';
import { getUser, listUsers, PAGE } from '../../alma/api.js';
import type { AlmaClient } from '../../alma/client.js';
import { requireAdministrator, type Operator } from '../../domain/authz.js';
import { AlmaApiError, QuotaStop } from '../../domain/alma/connection.js';
import { UsageError } from '../../domain/errors.js';
import { RecordError, type ReadItem } from '../../domain/import-record.js';
import { almaUserToRecord } from '../../io/alma-user-in.js';
import { openIdFile } from '../../io/id-file.js';
import { AlmaStore } from '../../store/alma.js';
import { loadCodeBook } from '../../store/codes.js';
import type { Db } from '../../store/db.js';
import type { CodeAdded } from '../import-codes.js';
import { importUsers } from '../import.js';
import type { Rejection } from '../import-report.js';
import { getSet, setMembers } from '../sets.js';
import { almaClient, type AlmaAccess } from './connection.js';
import { concurrencyFor, inPool } from './pool.js';

/**
 * `alma pull`: the users a query, a local set or an ID file names, fetched one by one from
 * Alma (GET /users/{id}, the full record) and written into the store as Alma has them,
 * through `users import` (codes it does not know are added, as --add-missing-codes does).
 * Each record pulled is kept as the user's baseline for a later push's conflict check.
 */

export interface PullOptions {
  query?: string | undefined;
  set?: string | undefined;
  fromFile?: string | undefined;
  all?: boolean | undefined;
  dryRun?: boolean | undefined;
}

export interface PullReport {
  dry_run: boolean;
  listed: number;
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  failures: Rejection[];
  calls: number;
  remaining: number | null;
  /** Why the pull stopped before the end (the quota, Alma unreachable); null when it did not. */
  stopped: string | null;
  codes_added: CodeAdded[];
}

export type PullProgress = (done: number, total: number, calls: number) => void;

const SOURCE = 'Alma';

/** The primary IDs to fetch, and a count of them once known. */
interface Listing {
  ids: AsyncIterable<string>;
  total(): number;
}

function fromQuery(client: AlmaClient, q: string | undefined): Listing {
  let total = 0;
  return {
    total: () => total,
    ids: (async function* () {
      for (let offset = 0; ; offset += PAGE) {
        const page = await listUsers(client, q, offset);
        total = page.total;
        yield* page.ids;
        if (page.ids.length === 0 || offset + PAGE >= page.total) return;
      }
    })(),
  };
}

function fromList(ids: Iterable<string> | AsyncIterable<string>, count: number): Listing {
  return { total: () => count, ids: (async function* () { yield* ids; })() };
}

async function fileIds(db: Db, file: string, cwd: string, failures: (id: string, line: number, why: string) => void): Promise<string[]> {
  const identifierTypes = loadCodeBook(db).codes('identifier_type').map((c) => c.code);
  const idFile = openIdFile(path.resolve(cwd, file), file, { identifierTypes });
  const ids: string[] = [];
  for await (const batch of idFile.batches()) {
    for (const l of batch) {
      if (l.invalid) failures(l.id, l.line, l.invalid);
      else ids.push(l.id);
    }
  }
  return ids;
}

export async function pullUsers(
  db: Db, op: Operator, access: AlmaAccess, o: PullOptions, cwd: string, progress?: PullProgress,
): Promise<PullReport> {
  const sources = [o.query !== undefined, o.set !== undefined, o.fromFile !== undefined, o.all === true].filter(Boolean).length;
  if (sources !== 1) throw new UsageError('name the users to pull: one of --query Q, --set NAME, --from-file IDS, --all');
  requireAdministrator(op, 'pulling users from Alma (it adds the codes Alma uses)');
  const { settings, client } = almaClient(db, access);
  const dryRun = o.dryRun === true;
  const early: ReadItem[] = [];
  let listing: Listing;
  if (o.set !== undefined) {
    const set = getSet(db, o.set, op);
    const ids = [...setMembers(db, set)].map((u) => u.primary_id);
    listing = fromList(ids, ids.length);
  } else if (o.fromFile !== undefined) {
    const ids = await fileIds(db, o.fromFile, cwd, (id, line, why) => early.push({ at: { file: o.fromFile!, line, record: line }, primary_id: id, error: why }));
    listing = fromList(ids, ids.length);
  } else {
    listing = fromQuery(client, o.all ? undefined : o.query);
  }

  const store = new AlmaStore(db);
  const at = new Date().toISOString();
  let stopped: string | null = null;
  let listed = 0;
  let fetched = 0;
  let done = 0;
  const stopWith = (why: string, stop: () => void) => {
    stopped ??= why;
    stop();
  };
  const counted = (async function* () {
    for await (const id of listing.ids) {
      listed++;
      yield id;
    }
  })();

  async function* items(): AsyncGenerator<ReadItem> {
    yield* early;
    const results = inPool(counted, concurrencyFor(settings.rate), async (id, stop): Promise<ReadItem | undefined> => {
      if (stopped) return undefined;
      if (client.remaining !== undefined && client.remaining < settings.quota_floor) {
        stopWith(`${client.remaining} calls are left today, under the floor of ${settings.quota_floor} (alma config --quota-floor)`, stop);
        return undefined;
      }
      try {
        const json = await getUser(client, id);
        fetched++;
        const rec = almaUserToRecord(json, { file: SOURCE, record: listed });
        if (!dryRun) store.saveBaseline(String(rec.fields.primary_id ?? id), JSON.stringify(json), at);
        return rec;
      } catch (e) {
        if (e instanceof QuotaStop) return void stopWith(e.message, stop);
        if (e instanceof RecordError) return { at: { file: SOURCE, record: listed }, primary_id: id, error: e.message };
        if (e instanceof AlmaApiError && e.status >= 400 && e.status < 500 && e.status !== 401 && e.status !== 403 && e.status !== 429) {
          return { at: { file: SOURCE, record: listed }, primary_id: id, error: `${e.errorCode}: ${e.errorMessage}` };
        }
        stopWith(e instanceof Error ? e.message : String(e), stop);
        return undefined;
      } finally {
        progress?.(++done, Math.max(listing.total(), listed), client.calls);
      }
    });
    for await (const r of results) if (r) yield r;
  }

  let report;
  try {
    report = await importUsers(db, [{ items: items() }], { operator: op, dryRun, addMissingCodes: true, roles: 'replace' });
  } catch (e) {
    // The listing itself failed (Alma unreachable, the key refused): nothing was pulled.
    if (e instanceof QuotaStop) throw new UsageError(e.message, 'run the pull again tomorrow, or lower the floor (alma config --quota-floor)');
    throw e;
  }
  // A record the store refused is no baseline: the user here is not what Alma has.
  if (!dryRun) for (const r of report.rejections) if (r.primary_id && r.file === SOURCE) store.forgetBaseline(r.primary_id);
  return {
    dry_run: dryRun, listed, fetched, created: report.created, updated: report.updated, unchanged: report.unchanged,
    failed: report.rejected, failures: report.rejections, calls: client.calls, remaining: client.remaining ?? null, stopped,
    codes_added: report.codes_added,
  };
}
