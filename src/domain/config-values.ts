import { z } from 'zod';
import { CONFIG_KEYS, parseDuration, settableKey, type ConfigKey } from './config.js';
import { UsageError } from './errors.js';
import { unprintableIn } from './text.js';
import { emailAddress } from './user.js';

/**
 * What each setting accepts: checked before it is stored, so a typo is refused when it is
 * typed rather than at 2 a.m. when the job sends its letters.
 */

/** A duration within [min, max] milliseconds, said in the units a person types. */
function duration(min: number, max: number, what: string) {
  return z.string().refine((s) => parseDuration(s) !== undefined, { message: 'expected a duration such as 2s, 500ms or 1m' })
    .refine((s) => { const ms = parseDuration(s)!; return ms >= min && ms <= max; }, { message: `expected ${what}` });
}

/** An allow-list pattern: an address, or `*@domain` / `@domain` for a whole domain. */
const allowPattern = /^(\*?@[^\s@,]+|[^\s@,*]+@[^\s@,]+)$/;

/** A whole number from 1 to max: beyond it a value is a typo, or an attack on the relay. */
function count(max: number) {
  return z.string().trim().regex(/^[1-9]\d*$/, { message: 'expected a whole number above 0' })
    .refine((s) => Number(s) <= max, { message: `expected a whole number from 1 to ${max}` });
}

/** At most this many retries of a letter within one run (mail.retry_delays). */
const MAX_RETRIES = 10;

const SCHEMAS = {
  'institution.name': z.string().trim().min(1),
  'institution.code': z.string().trim().regex(/^[\w.-]+$/, { message: 'expected a code such as 01EXAMPLE_INST' }),
  'institution.address': z.string().trim().min(1),
  'institution.email': emailAddress,
  'mail.from': z.string().trim().min(3),
  'mail.smtp_url': z.string().trim().refine((s) => /^smtps?:\/\//i.test(s), { message: 'expected smtp://host[:port] or smtps://host[:port]' })
    .refine((s) => { try { return new URL(s).password === ''; } catch { return false; } },
      { message: 'a password does not belong in the store: give it in ALMA_USERS_SMTP_PASSWORD (or the whole URL in ALMA_USERS_SMTP_URL)' }),
  'mail.allowed_emails': z.string().trim().min(1).refine((s) => s.split(',').every((p) => allowPattern.test(p.trim())),
    { message: 'expected comma-separated addresses or *@domain patterns' }),
  'mail.rate_limit': count(1000),
  'mail.pool_size': count(50),
  'mail.retry_delays': z.string().trim().refine((s) => s === 'none' || s.split(',').every((d) => parseDuration(d) !== undefined),
    { message: 'expected comma-separated durations such as 2s,10s,30s, or none' })
    .refine((s) => s === 'none' || s.split(',').length <= MAX_RETRIES, { message: `expected at most ${MAX_RETRIES} retries` })
    .refine((s) => s === 'none' || s.split(',').every((d) => parseDuration(d)! <= 3_600_000), { message: 'expected each wait to be at most 1h (60m)' }),
  'mail.timeout': duration(1000, 600_000, 'from 1s to 10m (600s): below a second no server answers, beyond ten minutes a dead one holds a job for hours'),
  'mail.outbox_dir': z.string().trim().min(1),
  'purge.keep_days': z.string().regex(/^\d{1,5}$/, { message: 'expected a number of days, 0 to 99999' }),
  'mail.job_letters': z.string().trim().toLowerCase().pipe(z.enum(['on', 'off'])),
  'letters.default_language': z.string().trim().regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]+)?$/, { message: 'expected a language code such as en or de' }),
  'letters.templates_dir': z.string().trim().min(1),
} as const satisfies Record<ConfigKey, z.ZodType<string>>;

/** The longest value kept: a setting is a name, an address, a path, a list of a few patterns. */
const MAX_LENGTH = 2000;

/** Checks a value for a key; returns it as it will be stored. */
export function checkConfigValue(key: string, value: string): string {
  const k = settableKey(key);
  // \n typed on a command line is a line break in a postal address.
  const text = k === 'institution.address' ? value.replace(/\\n/g, '\n') : value;
  // A control character would be obeyed by a terminal (config list) or break a letter's headers.
  const bad = unprintableIn(text, k === 'institution.address' ? '\n' : '');
  if (bad) throw new UsageError(`${k}: the value holds an unprintable character (${bad}: a control character or half of a broken pair)`, `type it again without it; for example: alma-users config set ${k} '${CONFIG_KEYS[k].example}'`);
  if (text.length > MAX_LENGTH) throw new UsageError(`${k}: the value is ${text.length} characters long; at most ${MAX_LENGTH} are kept`);
  const r = SCHEMAS[k].safeParse(text);
  if (!r.success) throw new UsageError(`${k}: ${r.error.issues[0]?.message ?? 'invalid value'}`, `for example: alma-users config set ${k} '${CONFIG_KEYS[k].example}'`);
  return r.data;
}
