import fs from 'node:fs';
import { AlmaClient } from '../../alma/client.js';
import { testKey } from '../../alma/api.js';
import { requireAdministrator, type Operator } from '../../domain/authz.js';
import {
  DEFAULT_QUOTA_FLOOR, DEFAULT_RATE, DEFAULT_UPDATE_NOTIFY_JOB, isRegion, maxRate, normaliseBaseUrl, REGIONS,
  type AlmaSettings, type Region,
} from '../../domain/alma/connection.js';
import { UsageError } from '../../domain/errors.js';
import { readAlmaSettings, writeAlmaSettings } from '../../store/alma.js';
import type { Db } from '../../store/db.js';

/**
 * Where Alma is (`alma config`), the key to it (the environment only), and the cheap check
 * that both work (`alma status`). The key is read when a call is about to be made and is
 * held by the client alone: never stored, logged, printed or put in an error.
 */

/** How a use case reaches Alma: the command's environment, and fetch (a test may give its own). */
export interface AlmaAccess {
  env: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
}

const KEY_HINT = 'export ALMA_API_KEY=..., or put the key in a file only you can read (chmod 600) and export ALMA_API_KEY_FILE=/path/to/it';

/** The API key: from ALMA_API_KEY, or from the file ALMA_API_KEY_FILE names (mode 0600, owner only). */
export function apiKey(env: NodeJS.ProcessEnv): string {
  const direct = env.ALMA_API_KEY;
  const file = env.ALMA_API_KEY_FILE;
  if (direct !== undefined && direct !== '' && file !== undefined && file !== '') {
    throw new UsageError('both ALMA_API_KEY and ALMA_API_KEY_FILE are set; set one of them', KEY_HINT);
  }
  if (direct !== undefined && direct.trim() !== '') return checkedKey(direct.trim(), 'ALMA_API_KEY');
  if (file === undefined || file === '') throw new UsageError('no Alma API key: ALMA_API_KEY and ALMA_API_KEY_FILE are not set', KEY_HINT);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new UsageError(`ALMA_API_KEY_FILE ${file}: no such file`, KEY_HINT);
  }
  if (!stat.isFile()) throw new UsageError(`ALMA_API_KEY_FILE ${file}: not a file`, KEY_HINT);
  if ((stat.mode & 0o077) !== 0) {
    throw new UsageError(
      `ALMA_API_KEY_FILE ${file}: others may read it (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}); an API key file must be mode 0600`,
      `chmod 600 ${file}`,
    );
  }
  const key = fs.readFileSync(file, 'utf8').trim();
  if (!key || /\s/.test(key)) throw new UsageError(`ALMA_API_KEY_FILE ${file}: expected the key alone on one line`);
  return checkedKey(key, `ALMA_API_KEY_FILE ${file}`);
}

/**
 * An API key goes into an HTTP header, and fetch quotes a header value it refuses in its
 * error: a key holding a line break or another control character would be printed whole.
 * Alma's keys are letters and digits, so anything outside printable ASCII is refused here,
 * without showing the key.
 */
function checkedKey(key: string, source: string): string {
  if (/^[\x21-\x7e]+$/.test(key)) return key;
  throw new UsageError(`${source}: the key holds a space, a line break, a control character or a character outside ASCII (it is not shown)`,
    'copy the key again from the Developer Network, alone, without quotes or line breaks');
}

/** The stored connection; an error saying how to set one when there is none. */
export function almaSettings(db: Db): AlmaSettings {
  const s = readAlmaSettings(db);
  if (!s) throw new UsageError('Alma is not configured in this store', 'alma-users alma config --region na|eu|ap|ca|cn (or --url BASE)');
  return s;
}

/** A client for the stored connection and the environment's key. */
export function almaClient(db: Db, access: AlmaAccess): { settings: AlmaSettings; client: AlmaClient } {
  const settings = almaSettings(db);
  const key = apiKey(access.env);
  return { settings, client: new AlmaClient({ baseUrl: settings.url, apiKey: key, rate: settings.rate, ...(access.fetch ? { fetch: access.fetch } : {}) }) };
}

export interface ConfigChange {
  region?: string | undefined;
  url?: string | undefined;
  rate?: string | undefined;
  quotaFloor?: string | undefined;
  updateNotifyJob?: string | undefined;
}

function whole(text: string, option: string, min: number, max: number): number {
  const t = text.trim();
  if (!/^\d+$/.test(t) || Number(t) < min || Number(t) > max) {
    throw new UsageError(`${option}: "${text}" is not a whole number from ${min} to ${max}`);
  }
  return Number(t);
}

/** `alma config`: changes what is given, keeps the rest; with nothing given, the settings as they are. */
export function configureAlma(db: Db, operator: () => Operator, c: ConfigChange): { settings: AlmaSettings; changed: boolean } {
  const given = Object.values(c).some((v) => v !== undefined);
  const now = readAlmaSettings(db);
  if (!given) return { settings: almaSettings(db), changed: false };
  requireAdministrator(operator(), 'configuring the connection to Alma');
  if (c.region !== undefined && c.url !== undefined) throw new UsageError('give --region or --url, not both');
  let region: Region | null = now?.region ?? null;
  let url = now?.url;
  if (c.region !== undefined) {
    const r = c.region.trim().toLowerCase();
    if (!isRegion(r)) throw new UsageError(`--region: "${c.region}" is not one of ${Object.keys(REGIONS).join(', ')}`, 'or give the base URL with --url');
    region = r;
    url = REGIONS[r];
  } else if (c.url !== undefined) {
    url = normaliseBaseUrl(c.url);
    region = (Object.entries(REGIONS).find(([, u]) => u === url)?.[0] as Region | undefined) ?? null;
  }
  if (url === undefined) throw new UsageError('say where Alma is first: --region na|eu|ap|ca|cn, or --url BASE');
  const limit = maxRate(url);
  const rate = c.rate !== undefined ? whole(c.rate, '--rate', 1, limit) : Math.min(now?.rate ?? DEFAULT_RATE, limit);
  const settings: AlmaSettings = {
    region, url, rate,
    quota_floor: c.quotaFloor !== undefined ? whole(c.quotaFloor, '--quota-floor', 0, 100_000_000) : now?.quota_floor ?? DEFAULT_QUOTA_FLOOR,
    update_notify_job: c.updateNotifyJob !== undefined ? jobId(c.updateNotifyJob) : now?.update_notify_job ?? DEFAULT_UPDATE_NOTIFY_JOB,
  };
  writeAlmaSettings(db, settings);
  return { settings, changed: true };
}

function jobId(text: string): string {
  const t = text.trim();
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(t)) throw new UsageError(`--update-notify-job: "${text}" is not a job id (such as M148)`, 'find it with GET /almaws/v1/conf/jobs?type=MANUAL');
  return t;
}

export interface AlmaStatus extends AlmaSettings {
  key: 'accepted';
  /** X-Exl-Api-Remaining: calls left today; null when Alma did not say. */
  remaining: number | null;
}

/** `alma status`: one cheap call (GET /users/test) checks the URL and the key. */
export async function almaStatus(db: Db, access: AlmaAccess): Promise<AlmaStatus> {
  const { settings, client } = almaClient(db, access);
  await testKey(client);
  return { ...settings, key: 'accepted', remaining: client.remaining ?? null };
}
