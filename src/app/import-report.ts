import type { Operator } from '../domain/authz.js';
import type { CodeAdded } from './import-codes.js';
import type { RoleMode } from './import-merge.js';

/** What `users import` is asked to do and what it reports (app/import.ts). */

/** A user the import would create or change, with its changes as the job preview words them. */
export interface ImportChange {
  primary_id: string;
  outcome: 'create' | 'update';
  /** Where the record is: file:line. */
  at: string;
  changes: string[];
}

export interface ImportOptions {
  operator: Operator;
  dryRun?: boolean;
  addMissingCodes?: boolean;
  /** What the files' roles do to the roles users hold (default merge: they are added). */
  roles?: RoleMode;
  /** Every change the import makes or would make, as it is decided (the dry run's preview file). */
  onChange?: (change: ImportChange) => void;
  now?: Date;
}

export interface Rejection {
  file: string;
  line: number | null;
  record: number;
  primary_id: string | null;
  reason: string;
}

/** An earlier record of a primary ID that a later one replaced. */
export interface Supersession {
  primary_id: string;
  /** file:line of the earlier record, which was not used. */
  superseded: string;
  /** file:line of the record used instead. */
  by: string;
}

export interface ImportReport {
  dry_run: boolean;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  rejections: Rejection[];
  /** Rejections beyond MAX_REJECTIONS are counted in `rejected` but not listed. */
  rejections_not_listed: number;
  /** Records not used because a later record gave the same primary ID. */
  superseded: number;
  superseded_records: Supersession[];
  /** Roles removed from users (only `--roles replace` removes any). */
  roles_removed: number;
  /** The first users a dry run would create or change (all of them go to the preview file). */
  samples: ImportChange[];
  codes_added: CodeAdded[];
}

/** How many rejections (and superseded records) a report lists; a file of a million bad rows must not fill memory. */
export const MAX_REJECTIONS = 10_000;
