import path from 'node:path';
import { parseDuration } from '../../domain/config.js';
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
  return retryDelaysOf(readConfig(db).get('mail.retry_delays'));
}

export interface TransportPlace {
  db: Db;
  /** The store's file: the .eml outbox folder is beside it. */
  storePath: string;
  env: NodeJS.ProcessEnv;
  /** Told once when letters would go out with a default From address (warnings only). */
  notes?: { warn(message: string): void } | undefined;
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
export function openTransport({ db, storePath, env, notes }: TransportPlace): Transport {
  const config = readConfig(db);
  const name = config.get('institution.name') ?? 'The Library';
  const email = config.get('institution.email');
  const from = config.get('mail.from') ?? (email ? `"${name.replace(/["\\]/g, '')}" <${email}>` : undefined);
  const url = env.ALMA_USERS_SMTP_URL || config.get('mail.smtp_url');
  if (!url) {
    const fallback = `"${name}" <alma-users@localhost>`;
    if (!from) {
      notes?.warn(`letters go out From ${fallback}, a default: the institution's e-mail is not configured ` +
        '(set it: alma-users config set institution.email library@example.edu, or mail.from)');
    }
    return new EmlTransport(path.resolve(config.get('mail.outbox_dir') ?? defaultOutboxDir(storePath)), from ?? fallback);
  }
  if (!from) {
    throw new UsageError('letters sent by SMTP need a From address',
      'alma-users config set institution.email library@example.edu (or mail.from)');
  }
  return new SmtpTransport({
    url,
    password: env.ALMA_USERS_SMTP_PASSWORD,
    from,
    poolSize: Number(config.get('mail.pool_size') ?? 5),
    rateLimit: config.has('mail.rate_limit') ? Number(config.get('mail.rate_limit')) : undefined,
    timeoutMs: parseDuration(config.get('mail.timeout') ?? '30s') ?? 30_000,
  });
}
