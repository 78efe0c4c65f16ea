import { z } from 'zod';
import { CONFIG_KEYS, parseDuration, settableKey, type ConfigKey } from './config.js';
import { UsageError } from './errors.js';
import { emailAddress } from './user.js';

/**
 * What each setting accepts: checked before it is stored, so a typo is refused when it is
 * typed rather than at 2 a.m. when the job sends its letters.
 */

const duration = z.string().refine((s) => parseDuration(s) !== undefined, { message: 'expected a duration such as 2s, 500ms or 1m' });

/** An allow-list pattern: an address, or `*@domain` / `@domain` for a whole domain. */
const allowPattern = /^(\*?@[^\s@,]+|[^\s@,*]+@[^\s@,]+)$/;

const positiveInt = z.string().regex(/^[1-9]\d*$/, { message: 'expected a whole number above 0' });

const SCHEMAS = {
  'institution.name': z.string().trim().min(1),
  'institution.address': z.string().trim().min(1),
  'institution.email': emailAddress,
  'mail.from': z.string().trim().min(3),
  'mail.smtp_url': z.string().trim().refine((s) => /^smtps?:\/\//i.test(s), { message: 'expected smtp://host[:port] or smtps://host[:port]' })
    .refine((s) => { try { return new URL(s).password === ''; } catch { return false; } },
      { message: 'a password does not belong in the store: give it in ALMA_USERS_SMTP_PASSWORD (or the whole URL in ALMA_USERS_SMTP_URL)' }),
  'mail.allowed_emails': z.string().trim().min(1).refine((s) => s.split(',').every((p) => allowPattern.test(p.trim())),
    { message: 'expected comma-separated addresses or *@domain patterns' }),
  'mail.rate_limit': positiveInt,
  'mail.pool_size': positiveInt,
  'mail.retry_delays': z.string().trim().refine((s) => s === 'none' || s.split(',').every((d) => parseDuration(d) !== undefined),
    { message: 'expected comma-separated durations such as 2s,10s,30s, or none' }),
  'mail.timeout': duration,
  'mail.outbox_dir': z.string().trim().min(1),
  'letters.default_language': z.string().trim().regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]+)?$/, { message: 'expected a language code such as en or de' }),
  'letters.templates_dir': z.string().trim().min(1),
} as const satisfies Record<ConfigKey, z.ZodType<string>>;

/** Checks a value for a key; returns it as it will be stored. */
export function checkConfigValue(key: string, value: string): string {
  const k = settableKey(key);
  // \n typed on a command line is a line break in a postal address.
  const text = k === 'institution.address' ? value.replace(/\\n/g, '\n') : value;
  const r = SCHEMAS[k].safeParse(text);
  if (!r.success) throw new UsageError(`${k}: ${r.error.issues[0]?.message ?? 'invalid value'}`, `for example: alma-users config set ${k} '${CONFIG_KEYS[k].example}'`);
  return r.data;
}
