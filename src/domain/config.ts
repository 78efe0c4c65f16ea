import { UsageError } from './errors.js';

/**
 * The settings a library keeps in its store (`alma-users config set KEY VALUE`): each key,
 * what it does and an example. The checks of their values are in config-values.ts, which
 * loads zod: `config list` and `config get` only read, and must start without it.
 */

/** "2s", "500ms", "1m" or a number of seconds, in milliseconds. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000);
}

export const CONFIG_KEYS = {
  'institution.name': {
    description: 'the institution that signs letters',
    example: 'Example University Library',
  },
  'institution.code': {
    description: "Alma's institution code; a role scoped to it (or to INSTITUTION) is institution-wide, as a role without a scope",
    example: '01EXAMPLE_INST',
  },
  'institution.address': {
    description: 'its postal address; separate lines with \\n',
    example: '1 Library Way\\nSpringfield',
  },
  'institution.email': {
    description: 'its e-mail address: the From of letters unless mail.from is set, and the contact in letters',
    example: 'library@example.edu',
  },
  'mail.from': {
    description: 'the From of letters, e.g. "Library <noreply@example.edu>" (default: institution name and e-mail)',
    example: 'Example Library <noreply@example.edu>',
  },
  'mail.smtp_url': {
    description: 'send by SMTP: smtp://host:587 (STARTTLS) or smtps://host:465; a user name may be given, a password belongs in ALMA_USERS_SMTP_PASSWORD (ALMA_USERS_SMTP_URL overrides this)',
    example: 'smtp://relay.example.edu:587',
  },
  'mail.allowed_emails': {
    description: 'sandbox allow-list: letters only to these addresses or domains (comma-separated; *@domain for a domain); others are suppressed',
    example: '*@example.edu,ops@lib.org',
  },
  'mail.rate_limit': {
    description: 'at most this many messages a second by SMTP (default: no limit)',
    example: '10',
  },
  'mail.pool_size': {
    description: 'SMTP connections used at once (default 5)',
    example: '5',
  },
  'mail.retry_delays': {
    description: 'waits before retrying a letter that failed for a temporary reason, within one run (default 2s,10s,30s; "none" for no retries)',
    example: '2s,10s,30s',
  },
  'mail.timeout': {
    description: 'give up on an SMTP connection or command after this long (default 30s); counts as a temporary failure',
    example: '30s',
  },
  'mail.outbox_dir': {
    description: 'where the .eml transport writes letters (default: <store>.outbox beside the store)',
    example: '/var/spool/alma-users',
  },
  'purge.keep_days': {
    description: 'days a user deleted by job run purge or users delete is kept for job undo; the next purge removes older ones (default 90)',
    example: '90',
  },
  'mail.job_letters': {
    description: 'on or off: the "job completed" letter to the operator when a job ends (default on, to operators with an e-mail)',
    example: 'off',
  },
  'letters.default_language': {
    description: 'the labels used when a user has no preferred language or it has no labels (default en)',
    example: 'en',
  },
  'letters.templates_dir': {
    description: "a folder with the library's own letter layout and labels (default: the templates/ shipped with alma-users)",
    example: '/etc/alma-users/templates',
  },
} as const satisfies Record<string, { description: string; example: string }>;

export type ConfigKey = keyof typeof CONFIG_KEYS;

/** Keys written by alma-users itself (init); shown, never set by hand. */
export const READ_ONLY_KEYS = ['initialised_by', 'initialised_at'];

/** Settings that name a folder: stored absolute, so they mean the same from any directory. */
export const PATH_KEYS: ReadonlySet<string> = new Set<ConfigKey>(['letters.templates_dir', 'mail.outbox_dir']);

export function isConfigKey(key: string): key is ConfigKey {
  return Object.hasOwn(CONFIG_KEYS, key);
}

/** The hint that lists every key a person may set. */
export function configKeysHint(): string {
  return `keys: ${Object.keys(CONFIG_KEYS).join(', ')}`;
}

/** A key a person may set; an unknown or read-only one is refused with the list of keys. */
export function settableKey(key: string): ConfigKey {
  if (isConfigKey(key)) return key;
  throw new UsageError(
    READ_ONLY_KEYS.includes(key) ? `${key} is set by alma-users init and cannot be changed` : `unknown configuration key ${key}`,
    configKeysHint(),
  );
}


/** An allow-list as stored, as a test for addresses (case-insensitive, as mail domains are). */
export function allowListMatcher(patterns: string | undefined): ((address: string) => boolean) | undefined {
  if (patterns === undefined || patterns.trim() === '') return undefined;
  const exact = new Set<string>();
  const domains = new Set<string>();
  for (const raw of patterns.split(',')) {
    const p = raw.trim().toLowerCase();
    if (!p) continue;
    if (p.startsWith('*@') || p.startsWith('@')) domains.add(p.slice(p.indexOf('@') + 1));
    else exact.add(p);
  }
  return (address) => {
    const a = address.trim().toLowerCase();
    return exact.has(a) || domains.has(a.slice(a.lastIndexOf('@') + 1));
  };
}
