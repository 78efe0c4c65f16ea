import { afterEach } from 'vitest';
import { startAlmaServer, type AlmaServerOptions, type AlmaTestServer } from '../alma-server/index.js';
import { tempStore, type CliOptions, type CliResult } from './cli.js';
import { almaUser } from './alma-user.js';

export { almaUser, essentials } from './alma-user.js';

/** The key the tests give alma-users and the test server: a value that stands out in any output or file. */
export const API_KEY = 'k3y-SECRET-9f8e7d6c5b4a';

export interface AlmaRig {
  alma: AlmaTestServer;
  s: Awaited<ReturnType<typeof tempStore>>;
  env: Record<string, string>;
  /** The CLI against the store, as admin, with the key in the environment. */
  run(args: string[], opts?: CliOptions): Promise<CliResult>;
  /** `--format json` and the parsed stdout. */
  json<T = Record<string, unknown>>(args: string[], opts?: CliOptions): Promise<CliResult & { json: T }>;
}

/**
 * A test server with `users` Alma users and a store connected to it (alma config --url) at
 * `rate` calls a second; everything is stopped and removed after the test.
 */
export function almaRigs(): (o?: AlmaServerOptions & { users?: number; rate?: number }) => Promise<AlmaRig> {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (stops.length) await stops.pop()!();
  });
  return async (o = {}) => {
    const alma = await startAlmaServer({ apiKey: API_KEY, perSecond: o.perSecond ?? 1000, ...o });
    const s = await tempStore();
    stops.push(async () => {
      await alma.stop();
      s.cleanup();
    });
    alma.seedUsers(Array.from({ length: o.users ?? 0 }, (_, k) => almaUser(k + 1)));
    const env = { ALMA_API_KEY: API_KEY };
    const run = (args: string[], opts: CliOptions = {}) => s.run(args, { ...opts, env: { ...env, ...opts.env } });
    const json = async <T,>(args: string[], opts: CliOptions = {}) => {
      const r = await run(['--format', 'json', ...args], opts);
      let parsed: T;
      try {
        parsed = JSON.parse(r.stdout) as T;
      } catch {
        throw new Error(`alma-users ${args.join(' ')} printed no JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
      }
      return { ...r, json: parsed };
    };
    await run(['config', 'set', 'institution.code', '01EXAMPLE_INST']);
    const c = await run(['alma', 'config', '--url', alma.url, '--rate', String(o.rate ?? 500)]);
    if (c.code !== 0) throw new Error(`alma config failed: ${c.stderr}`);
    return { alma, s, env, run, json };
  };
}
