import path from 'node:path';
import { parseDuration, type ConfigKey } from '../../domain/config.js';
import { checkConfigValue } from '../../domain/config-values.js';
import { UsageError } from '../../domain/errors.js';
import { readConfig } from '../../store/config.js';
import type { Db } from '../../store/db.js';
import { EmlTransport } from '../../mail/eml.js';
import { SmtpTransport } from '../../mail/smtp.js';
import type { Transport } from '../../mail/transport.js';

/** The default waits between tries of a letter that failed for a temporary reason. */
export const DEFAULT_RETRY_DELAYS = '2s,10s,30s';

export function retryDelaysOf(text: string | undefined): number[] {
  const t = (text ?? DEFAULT_RETRY_DELAYS).trim();
  if (t === 'none' || t === '') return [];
  return t.split(',').map((d) => parseDuration(d) ?? 0);
}

/** mail.retry_delays of the store, in milliseconds. */
export function retryDelays(db: Db): number[] {
  return retryDelaysOf(checkedSetting(readConfig(db), 'mail.retry_delays'));
}

/**
 * A sending setting as the store holds it, checked as `config set` checks it now: a value
 * kept before its range existed (mail.pool_size 1000000, mail.timeout 0) is refused with
 * the command that fixes it, never used.
 */
function checkedSetting(config: Map<string, string>, key: ConfigKey): string | undefined {
  const value = config.get(key);
  if (value === undefined) return undefined;
  try {
    return checkConfigValue(key, value);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    const why = e.message.startsWith(`${key}: `) ? e.message.slice(key.length + 2) : e.message;
    throw new UsageError(`the store's ${key} is ${JSON.stringify(value)}, kept before this range existed: ${why}; nothing was sent`,
      `${e.hint ?? `alma-users config set ${key} VALUE`} (or alma-users config unset ${key} for the default)`);
  }
}

export interface TransportPlace {
  db: Db;
  /** The store's file: the .eml outbox folder is beside it. */
  storePath: string;
  env: NodeJS.ProcessEnv;
  /** Told once when letters would go out with a default From address (warnings only). */
  notes?: { warn(message: string): void } | undefined;
  /**
   * Tell `notes` only when a letter goes, not when the transport opens: for `mail retry`,
   * which most nights has nothing to send, and a quiet cron night must print nothing.
   */
  warnOnFirstLetter?: boolean | undefined;
}

/** `<store dir>/<store name>.outbox`: beside the store, as its journal is. */
export function defaultOutboxDir(storePath: string): string {
  const p = path.parse(storePath);
  return path.join(p.dir, `${p.name}.outbox`);
}

/**
 * The configured transport: SMTP when ALMA_USERS_SMTP_URL (or mail.smtp_url) is set,
 * else .eml files in the outbox folder.
 */
export function openTransport({ db, storePath, env, notes, warnOnFirstLetter }: TransportPlace): Transport {
  const config = readConfig(db);
  // Read again by every sending run; checked here too, so a job refuses it before its first bulk.
  checkedSetting(config, 'mail.retry_delays');
  const name = config.get('institution.name') ?? 'The Library';
  const email = config.get('institution.email');
  const from = config.get('mail.from') ?? (email ? `"${name.replace(/["\\]/g, '')}" <${email}>` : undefined);
  const url = env.ALMA_USERS_SMTP_URL || config.get('mail.smtp_url');
  if (!url) {
    const fallback = `"${name}" <alma-users@localhost>`;
    const transport = new EmlTransport(path.resolve(config.get('mail.outbox_dir') ?? defaultOutboxDir(storePath)), from ?? fallback);
    if (from || !notes) return transport;
    const warn = () => notes.warn(`letters go out From ${fallback}, a default: the institution's e-mail is not configured ` +
      '(set it: alma-users config set institution.email library@example.edu, or mail.from)');
    if (!warnOnFirstLetter) {
      warn();
      return transport;
    }
    return tellingOnFirstLetter(transport, warn);
  }
  if (!from) {
    throw new UsageError('letters sent by SMTP need a From address',
      'alma-users config set institution.email library@example.edu (or mail.from)');
  }
  return new SmtpTransport({
    url,
    password: env.ALMA_USERS_SMTP_PASSWORD,
    from,
    poolSize: Number(checkedSetting(config, 'mail.pool_size') ?? 5),
    rateLimit: config.has('mail.rate_limit') ? Number(checkedSetting(config, 'mail.rate_limit')) : undefined,
    timeoutMs: parseDuration(checkedSetting(config, 'mail.timeout') ?? '30s') ?? 30_000,
  });
}

/** The transport, calling `tell` once, just before it takes its first letter. */
function tellingOnFirstLetter(transport: Transport, tell: () => void): Transport {
  const send = transport.send.bind(transport);
  let told = false;
  transport.send = (...letter: Parameters<Transport['send']>) => {
    if (!told) tell();
    told = true;
    return send(...letter);
  };
  return transport;
}
