import type { KeptField } from './rules.js';

/**
 * What `users sync` reports: counts, and lists of who was updated, rejected, kept or
 * missing. Each list is bounded (the rest counted), since a sync of a million users must
 * not hold a million lines in memory.
 */

/** How many entries each list of the report holds. */
export const MAX_LISTED = 10_000;

export interface SyncRejection {
  file: string;
  line: number | null;
  record: number;
  primary_id: string | null;
  reason: string;
}

export interface SyncReport {
  dry_run: boolean;
  /** The sync's job (null in a dry run, which records none). */
  job: string | null;
  profile: string;
  records: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** Users of the profile that no record named. */
  missing: number;
  deactivated: number;
  /** Records naming a user an earlier record of the same sync named: the later one won. */
  repeated: number;
  /** How many updated users had each field changed. */
  fields_changed: Record<string, number>;
  updates: { primary_id: string; changes: string }[];
  rejections: SyncRejection[];
  protected_kept: ({ primary_id: string } & KeptField)[];
  missing_users: { primary_id: string; status: string }[];
  /** Entries beyond MAX_LISTED, per list: counted above, not listed. */
  not_listed: { updates: number; rejections: number; protected_kept: number; missing_users: number };
}

export function newReport(profile: string, dryRun: boolean): SyncReport {
  return {
    dry_run: dryRun, job: null, profile, records: 0, created: 0, updated: 0, unchanged: 0, rejected: 0, missing: 0, deactivated: 0,
    repeated: 0, fields_changed: {}, updates: [], rejections: [], protected_kept: [], missing_users: [],
    not_listed: { updates: 0, rejections: 0, protected_kept: 0, missing_users: 0 },
  };
}

/** Adds an entry to one of the report's lists, or counts it as not listed. */
export function listed<K extends keyof SyncReport['not_listed']>(r: SyncReport, list: K, entry: SyncReport[K][number]): void {
  const l = r[list] as unknown[];
  if (l.length < MAX_LISTED) l.push(entry);
  else r.not_listed[list]++;
}
