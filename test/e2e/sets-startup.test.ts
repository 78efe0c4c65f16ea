import { describe, expect, it } from 'vitest';
import { cliProcess } from '../helpers/cli.js';
import { setStore } from '../helpers/sets-users.js';

/**
 * Start-up of the read-only set commands, in a real process (the built CLI): they must not
 * load zod, which costs every cron invocation ~130 ms. A loader hook given through
 * NODE_OPTIONS says on stderr each time a module of zod is resolved.
 */

const loader = `export async function resolve(s, c, next) {
  const r = await next(s, c);
  if (r.url.includes('/node_modules/zod/')) process.stderr.write('loaded zod\\n');
  return r;
}`;
const hook = `import { register } from 'node:module'; register(${JSON.stringify('data:text/javascript,' + encodeURIComponent(loader))});`;
const NODE_OPTIONS = `--import=data:text/javascript,${encodeURIComponent(hook)}`;

const s = setStore([{ primary_id: 'p1', user_group: 'STAFF' }]);

async function stderrOf(args: string[]): Promise<string> {
  const r = await cliProcess(args, { env: { ALMA_USERS_DB: s.db, ALMA_USERS_OPERATOR: 'admin', NODE_OPTIONS } });
  expect(r.code, r.stderr).toBe(0);
  return r.stderr;
}

describe('read-only set commands start without zod', () => {
  it('set list, set show and set members (with --limit) load no zod; a command that changes a set does', async () => {
    expect((await s.run(['set', 'create', 'staff', '--query', 'user_group = "STAFF"'])).code).toBe(0);
    expect(await stderrOf(['set', 'list'])).not.toContain('loaded zod');
    expect(await stderrOf(['set', 'show', 'staff', '--format', 'json'])).not.toContain('loaded zod');
    expect(await stderrOf(['set', 'members', 'staff', '--limit', '5'])).not.toContain('loaded zod');
    // The hook does see zod when it is loaded: this test can fail.
    expect(await stderrOf(['set', 'itemize', 'staff', '--as', 'staff-now'])).toContain('loaded zod');
  });
});
