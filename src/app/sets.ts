import { newId } from '../domain/ids.js';
import type { Db } from '../store/db.js';
import { JobStore, type JobRow } from '../store/jobs.js';
import { loadCodeBook } from '../store/codes.js';
import { compileQuery } from '../store/query-sql.js';
import {
  combineMembers, copyMembers, deleteSetRow, findSet, insertMembersFrom, insertSet, isNameTaken, itemizedMemberCounts,
  listSetRecords, renameSetRow, type CombineOp, type SetRecord,
} from '../store/sets.js';
import { matchingUsers, type UserFilter } from '../store/users-find.js';
import type { Operator } from '../domain/authz.js';
import { didYouMean } from '../domain/codes.js';
import { ConflictError, NotFoundError, PermissionError, UsageError } from '../domain/errors.js';
import { samePrimaryId } from '../domain/primary-id.js';
import { unprintableIn } from '../domain/text.js';
import { codeReferences, parseQuery } from '../domain/query.js';

export type { CombineOp, SetRecord } from '../store/sets.js';
export { countMembers, memberQuery, setMembers } from '../store/sets.js';

/** The job holding a set (Pending or Running), if any: a held set is not deleted or given to another job. */
export function jobHoldingSet(db: Db, setId: string): JobRow | undefined {
  return new JobStore(db).holder(setId);
}

/**
 * User sets, as in Alma: itemized (a stored list of members) or logical (a saved query,
 * evaluated each time it is used). Private to their owner unless public; changed or
 * deleted by their owner or a User Administrator. Names are unique whatever their case.
 */

const MAX_NAME = 255;

export function isOwner(set: SetRecord, op: Operator): boolean {
  return samePrimaryId(set.owner, op.user.primary_id);
}

/** Public sets are visible to every operator; private ones to their owner and to User Administrators. */
export function canSee(set: SetRecord, op: Operator): boolean {
  return set.public || isOwner(set, op) || op.isAdministrator;
}

/** Changing or deleting a set is for its owner or a User Administrator. */
export function requireOwner(set: SetRecord, op: Operator, what: string): void {
  if (!isOwner(set, op) && !op.isAdministrator) {
    throw new PermissionError(
      `set ${set.name} belongs to ${set.owner}; only its owner or a User Administrator may ${what}`,
      `make your own copy: alma-users set itemize "${set.name}" --as "NEW NAME"`,
    );
  }
}

/**
 * The set named (any case) or with this id. Without an operator every set is found (the
 * job engine's view); with one, a set the operator may not see is reported as absent.
 */
export function getSet(db: Db, name: string, operator?: Operator): SetRecord {
  const set = findSet(db, name.trim());
  if (!set || (operator && !canSee(set, operator))) {
    throw new NotFoundError(`no set named ${name}`, 'list the sets you can use: alma-users set list');
  }
  return set;
}

/** A set name as given, trimmed and checked. */
export function checkSetName(name: string | undefined): string {
  const n = (name ?? '').trim();
  if (!n) throw new UsageError('a set name may not be empty');
  if (n.length > MAX_NAME) throw new UsageError(`a set name is at most ${MAX_NAME} characters`);
  const bad = unprintableIn(n);
  if (bad) throw new UsageError(`a set name may not hold control characters (it holds ${bad})`, 'type the name again without it');
  return n;
}

/** A set's description as given (trimmed; undefined when empty); shown in tables, so no control character. */
export function checkSetDescription(text: string | undefined): string | undefined {
  const d = text?.trim() || undefined;
  const bad = d === undefined ? undefined : unprintableIn(d);
  if (bad) throw new UsageError(`a set description may not hold control characters (it holds ${bad})`, 'type the description again without it');
  return d;
}

export function requireFreeName(db: Db, name: string, exceptId?: string): void {
  if (isNameTaken(db, name, exceptId)) {
    throw new ConflictError(`a set named ${name} already exists`, 'set names are unique whatever their case; choose another name');
  }
}

export interface NewSet {
  name: string;
  description?: string | undefined;
  public?: boolean | undefined;
}

/** A set record owned by the operator, not yet stored. */
export function newSetRecord(op: Operator, s: NewSet, kind: SetRecord['kind'], query: string | undefined, now: Date): SetRecord {
  const at = now.toISOString();
  const description = checkSetDescription(s.description);
  return {
    id: newId(), name: checkSetName(s.name), kind, description, query, owner: op.user.primary_id,
    public: s.public === true, created_at: at, updated_at: at, updated_by: op.user.primary_id,
  };
}

/** An empty itemized set, to be filled with `set add-members`. */
export function createItemizedSet(db: Db, op: Operator, s: NewSet, now = new Date()): SetRecord {
  const set = newSetRecord(op, s, 'ITEMIZED', undefined, now);
  db.transaction(() => {
    requireFreeName(db, set.name);
    insertSet(db, set);
  }).immediate();
  return set;
}

/**
 * A logical set: the query is parsed and checked now (a bad one is refused, exit 2), and
 * evaluated each time the set is used. Returns warnings for code values that are not in
 * the code tables, which would match no one.
 */
export function createLogicalSet(db: Db, op: Operator, s: NewSet & { query: string }, now = new Date()): { set: SetRecord; warnings: string[] } {
  const query = s.query.trim();
  const tree = parseQuery(query);
  // Compiled once now so that a query too large for SQLite is refused before it is saved.
  compileQuery(tree, now);
  const codes = loadCodeBook(db);
  const warnings = codeReferences(tree)
    .filter((r) => !codes.has(r.table, r.value))
    .map((r) => {
      const near = codes.suggest(r.table, r.value);
      return `${r.field} ${JSON.stringify(r.value)} is not in the ${r.table} code table, so it matches no one` +
        (near.length ? `; ${didYouMean(near)}` : ` (${codes.validList(r.table, 10)})`);
    });
  const set = newSetRecord(op, s, 'LOGICAL', query, now);
  db.transaction(() => {
    requireFreeName(db, set.name);
    insertSet(db, set);
  }).immediate();
  return { set, warnings };
}

export type SetFilter = 'usable' | 'mine' | 'public' | 'all';

export interface SetSummary extends SetRecord {
  /** Stored members of an itemized set; undefined for a logical set (evaluated on use). */
  members: number | undefined;
}

/**
 * The sets an operator can list: by default their own and the public ones; `all` adds,
 * for a User Administrator, the private sets of others.
 */
export function listSets(db: Db, op: Operator, filter: SetFilter): SetSummary[] {
  const counts = itemizedMemberCounts(db);
  return listSetRecords(db)
    .filter((s) => {
      switch (filter) {
        case 'mine': return isOwner(s, op);
        case 'public': return s.public;
        case 'usable': return s.public || isOwner(s, op);
        case 'all': return canSee(s, op);
      }
    })
    .map((s) => ({ ...s, members: s.kind === 'ITEMIZED' ? counts.get(s.id) ?? 0 : undefined }));
}

export function renameSet(db: Db, op: Operator, name: string, newName: string, now = new Date()): SetRecord {
  const to = checkSetName(newName);
  return db.transaction(() => {
    const set = getSet(db, name, op);
    requireOwner(set, op, 'rename it');
    requireFreeName(db, to, set.id);
    renameSetRow(db, set.id, to, now.toISOString(), op.user.primary_id);
    return { ...set, name: to };
  }).immediate();
}

/** Deletes a set, refused while a job (Pending or Running) holds it. */
export function deleteSet(db: Db, op: Operator, name: string): SetRecord {
  return db.transaction(() => {
    const set = getSet(db, name, op);
    requireOwner(set, op, 'delete it');
    const job = jobHoldingSet(db, set.id);
    if (job) {
      throw new ConflictError(
        `set ${set.name} is in use by job ${job.id} (${job.type}, ${job.status}); it was not deleted`,
        `delete it once the job has ended: alma-users job show ${job.id}`,
      );
    }
    deleteSetRow(db, set.id);
    return set;
  }).immediate();
}

/**
 * A new itemized set from two sets' current members: both (and), either (or), or the
 * first's without the second's (not). Logical sets are evaluated now.
 */
export function combineSets(db: Db, op: Operator, a: string, b: string, how: CombineOp, s: NewSet, now = new Date()): { set: SetRecord; members: number } {
  const set = newSetRecord(op, s, 'ITEMIZED', undefined, now);
  return db.transaction(() => {
    const first = getSet(db, a, op);
    const second = getSet(db, b, op);
    requireFreeName(db, set.name);
    insertSet(db, set);
    return { set, members: combineMembers(db, set.id, first, second, how, now) };
  }).immediate();
}

/** Saves a set's current members (a logical set's, evaluated now) as a new itemized set. */
export function itemizeSet(db: Db, op: Operator, name: string, s: NewSet, now = new Date()): { set: SetRecord; source: SetRecord; members: number } {
  const set = newSetRecord(op, s, 'ITEMIZED', undefined, now);
  return db.transaction(() => {
    const source = getSet(db, name, op);
    requireFreeName(db, set.name);
    insertSet(db, set);
    return { set, source, members: copyMembers(db, set.id, source, now) };
  }).immediate();
}

/**
 * `users list ... --save-set NAME`: the users the listing's filter matches now (resolved by
 * users-list.ts userFilter), saved as a new itemized set, created and filled in one transaction.
 */
export function saveMatchesAsSet(db: Db, op: Operator, filter: UserFilter, s: NewSet, now = new Date()): { set: SetRecord; members: number } {
  const set = newSetRecord(op, s, 'ITEMIZED', undefined, now);
  return db.transaction(() => {
    requireFreeName(db, set.name);
    insertSet(db, set);
    return { set, members: insertMembersFrom(db, set.id, matchingUsers(filter)) };
  }).immediate();
}
