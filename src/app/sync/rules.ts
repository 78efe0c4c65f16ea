import type { ImportRecord } from '../../domain/import-record.js';
import { sameValue } from '../../domain/jobs/changes.js';
import { isProtectedField, PROTECTED_FIELDS, type ProtectedField } from '../../domain/protected-fields.js';
import { SCALAR_FIELDS, USER_SHAPE, type StoredUser } from '../../domain/user-fields.js';

/**
 * Alma's SIS Synchronize, for one record and the user it names: the file's values replace
 * the core fields (a field the record leaves empty is deleted or set to its default), the
 * External entries of the segmented lists are replaced by the file's and the Internal ones
 * kept, roles are left alone, and a protected field changed here since the last sync keeps
 * its value. What comes out is a draft for the user schema, not yet validated.
 */


/** The lists whose entries carry a segment: External ones belong to the SIS, Internal ones to the library. */
export const SEGMENTED_LISTS = ['identifiers', 'addresses', 'emails', 'phones', 'notes', 'blocks', 'statistics'] as const;

/** Fields a sync sets itself, whatever the file says, or leaves as they are. */
const NOT_FROM_FILE = new Set<string>(['primary_id', 'account_type', 'external_id', 'force_password_change']);

/** The scalar fields a record's value replaces as it is: neither set by the sync itself nor protected. */
const FROM_FILE = SCALAR_FIELDS.filter((f) => !NOT_FROM_FILE.has(f) && !isProtectedField(f));

/** How an entry is recognised when the file lists one the library had added as Internal. */
const ENTRY_KEYS: Record<(typeof SEGMENTED_LISTS)[number], (e: Record<string, unknown>) => string> = {
  identifiers: (e) => `${String(e.type)}\u0000${String(e.value)}`,
  addresses: (e) => [e.line1, e.city, e.postal_code].map((v) => String(v ?? '').toLowerCase()).join('\u0000'),
  emails: (e) => String(e.address).toLowerCase(),
  phones: (e) => String(e.number).replace(/[^0-9+]/g, ''),
  notes: (e) => `${String(e.type)}\u0000${String(e.text)}`,
  blocks: (e) => String(e.description),
  statistics: (e) => String(e.category),
};

/** The SIS's values of the protected fields (null: sent empty), as sync_values keeps them. */
export type SisValues = Partial<Record<ProtectedField, unknown>>;

export interface KeptField {
  field: ProtectedField;
  /** The value changed in alma-users, which stays. */
  kept: unknown;
  /** What the SIS sent instead. */
  sis: unknown;
}

export interface SyncDraft {
  draft: Record<string, unknown>;
  kept: KeptField[];
  sis: SisValues;
}

export interface DraftContext {
  profile: string;
  /** Protected fields the file's values overwrite even where they were changed here (--override). */
  overrides: ReadonlySet<string>;
  /** The roles a new user gets: the record's (their codes resolved with the user's other codes). */
  newRoles(rec: ImportRecord): unknown[];
  /**
   * A protected field's value as the code table spells it (`staff` -> STAFF), so that the
   * SIS's value, the user's and the last sync's compare as codes; a value naming no code is
   * returned as given (the code check reports it).
   */
  code(field: ProtectedField, value: unknown): unknown;
}

/** Equality of two values as stored; most are plain text, compared without the JSON sameValue builds. */
function same(a: unknown, b: unknown): boolean {
  return typeof a === 'object' && a !== null && typeof b === 'object' && b !== null ? sameValue(a, b) : a === b;
}

/** Empty in every form a value comes in (absent, '', an empty list), so that "changed" means changed. */
function norm(v: unknown): unknown {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) ? null : v;
}

type Entry = Record<string, unknown>;

/** A list the record leaves empty: most of a user's seven, a million times; frozen, since it is shared. */
const NO_ENTRIES: Entry[] = Object.freeze([]) as unknown as Entry[];

/** The file's entries of a list (External), and the CSV one-value columns laid onto them. */
function fileEntries(rec: ImportRecord, list: (typeof SEGMENTED_LISTS)[number]): Entry[] {
  const given = ((rec.fields as Record<string, unknown>)[list] as Entry[] | undefined) ?? NO_ENTRIES;
  if (given.length === 0 && !(list === 'emails' && rec.preferredEmail) && !(list === 'phones' && rec.preferredPhone) && !(list === 'identifiers' && rec.barcode)) {
    return NO_ENTRIES;
  }
  const entries: Entry[] = given.map((e) => ({ ...e, segment: 'External' }));
  if (list === 'emails' && rec.preferredEmail) {
    if (!entries.some((e) => String(e.address).toLowerCase() === rec.preferredEmail!.toLowerCase())) {
      entries.forEach((e) => (e.preferred = false));
      entries.unshift({ address: rec.preferredEmail, preferred: true, segment: 'External' });
    }
  }
  if (list === 'phones' && rec.preferredPhone) {
    entries.forEach((e) => (e.preferred = false));
    entries.unshift({ number: rec.preferredPhone, preferred: true, segment: 'External' });
  }
  if (list === 'identifiers' && rec.barcode) entries.unshift({ type: 'BARCODE', value: rec.barcode, segment: 'External' });
  return entries;
}

export function draftSyncUser(rec: ImportRecord, existing: StoredUser | undefined, last: SisValues | undefined, c: DraftContext): SyncDraft {
  const fields = rec.fields as Record<string, unknown>;
  const draft: Record<string, unknown> = { ...USER_SHAPE };
  // Swap-all: only what the record gives; what it leaves out takes the schema's default or stays empty.
  for (const f of FROM_FILE) if (fields[f] !== undefined) draft[f] = fields[f];
  draft.primary_id = existing?.primary_id ?? fields.primary_id;
  draft.account_type = 'EXTERNAL';
  draft.external_id = c.profile;
  draft.force_password_change = existing?.force_password_change ?? false;
  if (existing?.password_hash !== undefined) draft.password_hash = existing.password_hash;
  draft.roles = existing ? existing.roles : c.newRoles(rec);

  for (const list of SEGMENTED_LISTS) {
    const fromFile = fileEntries(rec, list);
    const internal = ((existing?.[list] ?? []) as Entry[]).filter((e) => e.segment === 'Internal');
    if (internal.length === 0) {
      // Most users hold no Internal entry: the file's entries are the list, no keys needed.
      draft[list] = fromFile;
      continue;
    }
    const key = ENTRY_KEYS[list];
    const taken = new Set(fromFile.map(key));
    draft[list] = [...fromFile, ...internal.filter((e) => !taken.has(key(e)))];
  }

  const kept: KeptField[] = [];
  const sis: SisValues = {};
  for (const f of PROTECTED_FIELDS) {
    const raw = f === 'rs_libraries' ? (fields.rs_libraries ?? []) : fields[f];
    const incoming = raw === undefined ? undefined : c.code(f, raw);
    sis[f] = norm(incoming);
    const current = existing?.[f];
    const changedHere = existing !== undefined && last !== undefined && !same(norm(current), norm(last[f]));
    if (changedHere && !c.overrides.has(f) && !same(norm(current), norm(incoming))) {
      kept.push({ field: f, kept: norm(current), sis: norm(incoming) });
      draft[f] = current;
    } else if (incoming !== undefined) draft[f] = incoming;
  }
  return { draft, kept, sis };
}

/** Whether the SIS's values differ from those recorded at the last sync (a new sync_values row is written only then). */
export function sisChanged(last: SisValues | undefined, now: SisValues): boolean {
  if (last === undefined) return true;
  return PROTECTED_FIELDS.some((f) => !same(norm(last[f]), norm(now[f])));
}
