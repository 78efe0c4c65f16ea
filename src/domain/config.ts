import { z } from 'zod';
import { UsageError } from './errors.js';
import { emailAddress } from './user.js';

/**
 * The settings a library keeps in its store (`alma-users config set KEY VALUE`). Each key
 * has a zod schema that checks the text before it is stored, so a typo is refused when it
 * is typed rather than at 2 a.m. when the job sends its letters.
 */

/** "2s", "500ms", "1m" or a number of seconds, in milliseconds. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000);
}

const duration = z.string().refine((s) => parseDuration(s) !== undefined, { message: 'expected a duration such as 2s, 500ms or 1m' });

/** An allow-list pattern: an address, or `*@domain` / `@domain` for a whole domain. */
const allowPattern = /^(\*?@[^\s@,]+|[^\s@,*]+@[^\s@,]+)$/;

const positiveInt = z.string().regex(/^[1-9]\d*$/, { message: 'expected a whole number above 0' });

export const CONFIG_KEYS = {
  'institution.name': {
    description: 'the institution that signs letters',
    example: 'Example University Library',
    schema: z.string().trim().min(1),
  },
  'institution.address': {
    description: 'its postal address; separate lines with \\n',
    example: '1 Library Way\\nSpringfield',
    schema: z.string().trim().min(1),
  },
  'institution.email': {
    description: 'its e-mail address: the From of letters unless mail.from is set, and the contact in letters',
    example: 'library@example.edu',
    schema: emailAddress,
  },
  'mail.from': {
    description: 'the From of letters, e.g. "Library <noreply@example.edu>" (default: institution name and e-mail)',
    example: 'Example Library <noreply@example.edu>',
    schema: z.string().trim().min(3),
  },
  'mail.smtp_url': {
    description: 'send by SMTP: smtp://host:587 (STARTTLS) or smtps://host:465; a user name may be given, a password belongs in ALMA_USERS_SMTP_PASSWORD (ALMA_USERS_SMTP_URL overrides this)',
    example: 'smtp://relay.example.edu:587',
    schema: z.string().trim().refine((s) => /^smtps?:\/\//i.test(s), { message: 'expected smtp://host[:port] or smtps://host[:port]' })
      .refine((s) => { try { return new URL(s).password === ''; } catch { return false; } },
        { message: 'a password does not belong in the store: give it in ALMA_USERS_SMTP_PASSWORD (or the whole URL in ALMA_USERS_SMTP_URL)' }),
  },
  'mail.allowed_emails': {
    description: 'sandbox allow-list: letters only to these addresses or domains (comma-separated; *@domain for a domain); others are suppressed',
    example: '*@example.edu,ops@lib.org',
    schema: z.string().trim().min(1).refine((s) => s.split(',').every((p) => allowPattern.test(p.trim())),
      { message: 'expected comma-separated addresses or *@domain patterns' }),
  },
  'mail.rate_limit': {
    description: 'at most this many messages a second by SMTP (default: no limit)',
    example: '10',
    schema: positiveInt,
  },
  'mail.pool_size': {
    description: 'SMTP connections used at once (default 5)',
    example: '5',
    schema: positiveInt,
  },
  'mail.retry_delays': {
    description: 'waits before retrying a letter that failed for a temporary reason, within one run (default 2s,10s,30s; "none" for no retries)',
    example: '2s,10s,30s',
    schema: z.string().trim().refine((s) => s === 'none' || s.split(',').every((d) => parseDuration(d) !== undefined),
      { message: 'expected comma-separated durations such as 2s,10s,30s, or none' }),
  },
  'mail.timeout': {
    description: 'give up on an SMTP connection or command after this long (default 30s); counts as a temporary failure',
    example: '30s',
    schema: duration,
  },
  'mail.outbox_dir': {
    description: 'where the .eml transport writes letters (default: <store>.outbox beside the store)',
    example: '/var/spool/alma-users',
    schema: z.string().trim().min(1),
  },
  'letters.default_language': {
    description: 'the labels used when a user has no preferred language or it has no labels (default en)',
    example: 'en',
    schema: z.string().trim().regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]+)?$/, { message: 'expected a language code such as en or de' }),
  },
  'letters.templates_dir': {
    description: "a folder with the library's own letter layout and labels (default: the templates/ shipped with alma-users)",
    example: '/etc/alma-users/templates',
    schema: z.string().trim().min(1),
  },
} as const satisfies Record<string, { description: string; example: string; schema: z.ZodType<string> }>;

export type ConfigKey = keyof typeof CONFIG_KEYS;

/** Keys written by alma-users itself (init); shown, never set by hand. */
export const READ_ONLY_KEYS = ['initialised_by', 'initialised_at'];

export function isConfigKey(key: string): key is ConfigKey {
  return Object.hasOwn(CONFIG_KEYS, key);
}

/** Checks a value for a key; returns it as it will be stored. */
export function checkConfigValue(key: string, value: string): string {
  if (!isConfigKey(key)) {
    throw new UsageError(
      READ_ONLY_KEYS.includes(key) ? `${key} is set by alma-users init and cannot be changed` : `unknown configuration key ${key}`,
      `keys: ${Object.keys(CONFIG_KEYS).join(', ')}`,
    );
  }
  // \n typed on a command line is a line break in a postal address.
  const text = key === 'institution.address' ? value.replace(/\\n/g, '\n') : value;
  const r = CONFIG_KEYS[key].schema.safeParse(text);
  if (!r.success) throw new UsageError(`${key}: ${r.error.issues[0]?.message ?? 'invalid value'}`, `for example: alma-users config set ${key} '${CONFIG_KEYS[key].example}'`);
  return r.data;
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
