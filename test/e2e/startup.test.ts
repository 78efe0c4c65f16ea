import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcess, ROOT, tempStore, watchLoads } from '../helpers/cli.js';

/**
 * Start-up of the read-only commands in a real process (the built CLI): they must not load
 * zod, which costs every cron invocation ~130 ms, nor nanoid, nor the writers (nodemailer,
 * liquidjs, exceljs, csv-parse), nor `bindings`, which better-sqlite3 loads to look for its
 * addon when not told where it is (store/driver.ts).
 */

const WRITERS = ['nodemailer', 'liquidjs', 'exceljs', 'csv-parse'];
const WATCH = watchLoads(['zod', 'nanoid', 'bindings', ...WRITERS]);

const fixture = (name: string) => path.join(ROOT, 'fixtures', name);

describe('read-only commands start without zod, nanoid, the writers or bindings', () => {
  // One store for every command of this file: they only read it.
  let s: Awaited<ReturnType<typeof tempStore>>;
  let job: string;

  beforeAll(async () => {
    s = await tempStore();
    const steps = [
      ['users', 'import', fixture('users.csv')],
      ['set', 'create', 'catalogers', '--from-file', fixture('ids.txt')],
      ['job', 'run', 'update-notify', '--set', 'catalogers', '--add-role', 'license-viewer', '--notify', 'GENERAL_MESSAGE', '--yes'],
    ];
    for (const step of steps) expect([0, 3]).toContain((await s.run(step)).code);
    job = (JSON.parse((await s.run(['job', 'list', '--format', 'json'])).stdout) as { id: string }[])[0]!.id;
  });
  afterAll(() => s.cleanup());

  const run = (args: string[]) => cliProcess(args, { env: { ALMA_USERS_DB: s.db, ALMA_USERS_OPERATOR: 'admin', ...WATCH } });

  it.each([
    ['--version', () => ['--version']],
    ['users show', () => ['users', 'show', '0012345']],
    ['users list', () => ['users', 'list', '--status', 'active']],
    ['users search', () => ['users', 'search', 'a']],
    ['users history', () => ['users', 'history', '0012345']],
    ['job list', () => ['job', 'list']],
    ['job show', () => ['job', 'show', job]],
    ['job report', () => ['job', 'report', job]],
    ['mail list', () => ['mail', 'list', '--job', job]],
    ['codes list', () => ['codes', 'list', 'role']],
    ['config list', () => ['config', 'list']],
    ['config get', () => ['config', 'get', 'initialised_by']],
    ['set list', () => ['set', 'list']],
    ['set show', () => ['set', 'show', 'catalogers', '--format', 'json']],
    ['set members', () => ['set', 'members', 'catalogers', '--limit', '5']],
  ])('%s', async (_name, args) => {
    const r = await run(args());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('loaded by');
  });

  it('letters types reads the letters (liquidjs) but loads neither zod nor nanoid', async () => {
    const r = await run(['letters', 'types']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/^(zod|nanoid) loaded by/m);
  });

  it('the hook does see zod when a command checks its options with it (this test can fail)', async () => {
    const r = await run(['codes', 'add', 'user_group', 'VISITOR']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('zod loaded by');
  });

  it('the hook does see a writer when a command reads a file with it (this test can fail)', async () => {
    const r = await run(['users', 'import', fixture('users.csv'), '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('csv-parse loaded by');
  });
});
