import path from 'node:path';
import { requireAdministrator } from '../../domain/authz.js';
import { checkConfigValue, CONFIG_KEYS, isConfigKey, READ_ONLY_KEYS } from '../../domain/config.js';
import { NotFoundError } from '../../domain/errors.js';
import { readConfig, setConfig, unsetConfig } from '../../store/config.js';
import type { Handler } from '../command.js';

/** Settings that name a folder are stored absolute, so they mean the same from any directory. */
const PATH_KEYS = new Set(['letters.templates_dir', 'mail.outbox_dir']);

export const list: Handler = (ctx) => {
  const config = readConfig(ctx.store());
  const rows = [
    ...Object.entries(CONFIG_KEYS).map(([key, k]) => ({ key, value: config.get(key) ?? null, set: config.has(key), description: k.description })),
    ...READ_ONLY_KEYS.filter((k) => config.has(k)).map((key) => ({ key, value: config.get(key)!, set: true, description: 'written by alma-users init' })),
  ];
  if (ctx.io.env.ALMA_USERS_SMTP_URL) ctx.info('ALMA_USERS_SMTP_URL is set: it overrides mail.smtp_url');
  return {
    output: {
      kind: 'list',
      columns: [{ key: 'key', header: 'Key' }, { key: 'value', header: 'Value' }, { key: 'description', header: 'Meaning' }],
      rows,
    },
  };
};

export const get: Handler = (ctx, [key]) => {
  const k = key ?? '';
  const value = readConfig(ctx.store()).get(k);
  if (value === undefined) {
    throw new NotFoundError(`${k} is not set`, isConfigKey(k) ? `default: see alma-users config list` : `keys: ${Object.keys(CONFIG_KEYS).join(', ')}`);
  }
  return { output: { kind: 'report', json: { key: k, value }, sections: [{ kind: 'lines', lines: [value] }] } };
};

export const set: Handler = (ctx, [key, raw]) => {
  const k = key ?? '';
  let value = checkConfigValue(k, raw ?? '');
  requireAdministrator(ctx.operator(), 'changing the configuration');
  if (PATH_KEYS.has(k)) value = path.resolve(ctx.io.cwd, value);
  setConfig(ctx.store(), k, value);
  ctx.info(`${k} = ${value}`);
  return { output: { kind: 'report', json: { key: k, value }, sections: [{ kind: 'fields', fields: [['key', k], ['value', value]] }] } };
};

export const unset: Handler = (ctx, [key]) => {
  const k = key ?? '';
  checkKnown(k);
  requireAdministrator(ctx.operator(), 'changing the configuration');
  const removed = unsetConfig(ctx.store(), k);
  ctx.info(removed ? `${k} is back to its default` : `${k} was not set; nothing changed`);
  return { output: { kind: 'report', json: { key: k, removed }, sections: [{ kind: 'fields', fields: [['key', k], ['removed', removed]] }] } };
};

function checkKnown(key: string): void {
  // checkConfigValue names the unknown or read-only key; the value does not matter here.
  if (!isConfigKey(key)) checkConfigValue(key, '');
}
