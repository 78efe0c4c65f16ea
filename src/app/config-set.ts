import path from 'node:path';
import { requireAdministrator } from '../domain/authz.js';
import { PATH_KEYS, settableKey } from '../domain/config.js';
import { checkConfigValue } from '../domain/config-values.js';
import { setConfig, unsetConfig } from '../store/config.js';
import type { OnDemand } from './session.js';

const WHAT = 'changing the configuration';

/**
 * Sets a key (User Administrator) after checking its value; a folder is stored absolute,
 * resolved from `cwd`. Returns the value as stored.
 */
export function setConfigAs(on: OnDemand, key: string, raw: string, cwd: string): string {
  // A bad key or value is refused before the operator is looked at: it is the first thing to fix.
  let value = checkConfigValue(key, raw);
  requireAdministrator(on.operator(), WHAT);
  if (PATH_KEYS.has(key)) value = path.resolve(cwd, value);
  setConfig(on.store(), key, value);
  return value;
}

/** Returns a key to its default (User Administrator); false when it was not set. */
export function unsetConfigAs(on: OnDemand, key: string): boolean {
  settableKey(key);
  requireAdministrator(on.operator(), WHAT);
  return unsetConfig(on.store(), key);
}
