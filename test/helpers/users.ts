import { tempStores, type CliOptions } from './cli.js';

/** `users import --format json`, as scripts read it. */
export interface ImportReport {
  files: { file: string; format: string; lines: number; records: number; warnings: string[] }[];
  lines: number;
  dry_run: boolean;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  rejections: { file: string; line: number | null; record: number; primary_id: string | null; reason: string }[];
  superseded: number;
  superseded_records: { primary_id: string; superseded: string; by: string }[];
  roles_removed: number;
  samples: { primary_id: string; outcome: string; at: string; changes: string[] }[];
  codes_added: { table: string; code: string; description: string | null; alma_code?: string }[];
}

/**
 * tempStores() for users tests: `json` runs a command with --format json and parses its
 * report; `ids` lists the store's users as `users list` shows them, in primary-ID order.
 */
export function userStores() {
  const store = tempStores();
  return async () => {
    const s = await store();
    const json = async (args: string[], opts?: CliOptions) => {
      const r = await s.run(['--format', 'json', ...args], opts);
      return { ...r, report: r.stdout ? (JSON.parse(r.stdout) as ImportReport) : undefined };
    };
    const ids = async () => (JSON.parse((await s.run(['users', 'list', '--format', 'json'])).stdout) as { primary_id: string }[]).map((u) => u.primary_id);
    /** `users show ID --format json`: the Alma REST user object. */
    const show = async (id: string) => JSON.parse((await s.run(['users', 'show', id, '--format', 'json'])).stdout);
    return { ...s, json, ids, show };
  };
}
