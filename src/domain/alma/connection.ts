import { EnvironmentError, UsageError } from '../errors.js';

/**
 * Where Alma is and how hard it may be called (Dev "Calling the APIs", "API governance").
 * Kept free of zod: `alma status` and `alma push --status` only read.
 */

/** Alma's API hosts by region; paths start with /almaws/v1. */
export const REGIONS = {
  na: 'https://api-na.hosted.exlibrisgroup.com',
  eu: 'https://api-eu.hosted.exlibrisgroup.com',
  ap: 'https://api-ap.hosted.exlibrisgroup.com',
  ca: 'https://api-ca.hosted.exlibrisgroup.com',
  cn: 'https://api-cn.hosted.exlibrisgroup.com.cn',
} as const;
export type Region = keyof typeof REGIONS;

/** Alma's per-second threshold, shared by every key of an institution. */
export const ALMA_PER_SECOND = 25;
/** What libraries' own tools use, leaving room for the institution's other integrations. */
export const DEFAULT_RATE = 20;
/** A push stops while this many calls are left today (X-Exl-Api-Remaining). */
export const DEFAULT_QUOTA_FLOOR = 1000;
/** The Update/Notify Users job's id where it ran at two institutions; check with GET /conf/jobs?type=MANUAL. */
export const DEFAULT_UPDATE_NOTIFY_JOB = 'M148';
/** A rate for a URL that is not Ex Libris's (a proxy with its own limit, a test server). */
export const MAX_OTHER_RATE = 1000;

export interface AlmaSettings {
  region: Region | null;
  /** The base URL, without /almaws/v1. */
  url: string;
  rate: number;
  quota_floor: number;
  update_notify_job: string;
}

/** Ex Libris's own hosts: they share the institution's 25 calls a second. */
export function isExLibrisHost(url: string): boolean {
  try {
    const host = new URL(url).hostname.toLowerCase();
    return /(^|\.)exlibrisgroup\.com(\.cn)?$/.test(host);
  } catch {
    return false;
  }
}

/** The highest rate allowed against this URL: Alma's threshold for Alma, more for a proxy or a test server. */
export function maxRate(url: string): number {
  return isExLibrisHost(url) ? ALMA_PER_SECOND : MAX_OTHER_RATE;
}

export function isRegion(s: string): s is Region {
  return Object.hasOwn(REGIONS, s);
}

/** A base URL as given: http(s), no query; /almaws/v1 and a trailing slash taken off. */
export function normaliseBaseUrl(text: string): string {
  let u: URL;
  try {
    u = new URL(text.trim());
  } catch {
    throw new UsageError(`--url: "${text}" is not a URL`, 'e.g. --url https://api-eu.hosted.exlibrisgroup.com, or --region eu');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new UsageError(`--url: ${u.protocol} is not http or https`);
  if (u.username || u.password) throw new UsageError('--url: a user name or password in the URL is refused; the key comes from ALMA_API_KEY');
  if (u.search || u.hash) throw new UsageError('--url: give the base URL without a query');
  return `${u.origin}${u.pathname.replace(/\/+$/, '').replace(/\/almaws\/v1$/, '')}`;
}

/**
 * Alma answered with an error (its envelope: errorCode, errorMessage, trackingId), or could
 * not be reached. The message names the code and the tracking id Ex Libris support asks
 * for; it never holds the key (the client never puts it in a URL).
 */
export class AlmaApiError extends EnvironmentError {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly errorMessage: string,
    readonly trackingId: string | undefined,
    readonly call: string,
    hint?: string,
  ) {
    super(`Alma answered ${call} with ${status} ${errorCode}: ${errorMessage}${trackingId ? ` (tracking id ${trackingId})` : ''}`, hint);
  }
}

/** The codes Alma uses for its two limits. */
export const PER_SECOND_THRESHOLD = 'PER_SECOND_THRESHOLD';
export const DAILY_THRESHOLD = 'DAILY_THRESHOLD';

/** The daily quota ran out (or fell under the floor): a push stops cleanly, the rest pending. */
export class QuotaStop extends Error {
  constructor(readonly remaining: number | undefined, readonly why: string) {
    super(why);
  }
}
