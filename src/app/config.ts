import { CONFIG_KEYS, configKeysHint, isConfigKey, READ_ONLY_KEYS } from '../domain/config.js';
import { NotFoundError } from '../domain/errors.js';
import { getConfig, readConfig } from '../store/config.js';
import type { Db } from '../store/db.js';

/** Reading the configuration: no zod here, `config list` and `config get` start without it (config-set.ts writes). */

// A type, not an interface: output rows are records, and only a type alias is assignable to one.
export type ConfigEntry = {
  key: string;
  /** Null when the key is not set and its default applies. */
  value: string | null;
  set: boolean;
  description: string;
};

/** Every setting a person may change, then those init wrote. */
export function configEntries(db: Db): ConfigEntry[] {
  const config = readConfig(db);
  return [
    ...Object.entries(CONFIG_KEYS).map(([key, k]) => ({ key, value: config.get(key) ?? null, set: config.has(key), description: k.description })),
    ...READ_ONLY_KEYS.filter((k) => config.has(k)).map((key) => ({ key, value: config.get(key)!, set: true, description: 'written by alma-users init' })),
  ];
}

/** One setting's value; one that is not set is not found (its default is in configEntries). */
export function configValue(db: Db, key: string): string {
  const value = getConfig(db, key);
  if (value === undefined) {
    throw new NotFoundError(`${key} is not set`, isConfigKey(key) ? 'default: see alma-users config list' : configKeysHint());
  }
  return value;
}
