import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, cli, tempStore, type CliResult } from '../helpers/cli.js';

/**
 * What people and scripts see: `users list` filters, piped and terminal layouts, control
 * characters kept off the terminal, `users export -o` checked before it starts, help.
 */

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

const USERS = [
  'primary_id,first_name,last_name,user_group,status,record_type,account_type,expiry_date',
  'a1,Ann,Able,GRAD,ACTIVE,PUBLIC,INTERNAL,2027-01-31',
  'a2,Ben,Baker,GRAD,INACTIVE,PUBLIC,EXTERNAL,',
  'a3,Cy,Cole,FACULTY,ACTIVE,STAFF,INTERNAL,',
  'a4,Di,Dunn,GRAD,ACTIVE,PUBLIC,INTERNAL,',
  'a5,Ed,Eng,UNDERGRAD,INACTIVE,CONTACT,INTERNAL,',
].join('\n') + '\n';

async function store() {
  const s = await tempStore();
  cleanups.push(s.cleanup);
  const f = path.join(s.dir, 'users.csv');
  fs.writeFileSync(f, USERS);
  const r = await s.run(['users', 'import', f]);
  if (r.code !== 0) throw new Error(`import failed: ${r.stderr}`);
  return s;
}

/** The first column of piped list output: tab-separated rows, no header. */
const ids = (r: CliResult) => r.stdout.trimEnd().split('\n').map((l) => l.split('\t')[0]);

const hasScript = spawnSync('script', ['--version']).status === 0;

/** Runs the built CLI on a pseudo-terminal of 120 columns (util-linux `script`), as a person at a terminal would. */
function onTerminal(args: string[], env: Record<string, string>): Promise<string> {
  const quoted = [process.execPath, BIN, ...args].map((a) => (/^[\w./=-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`));
  const command = `stty cols 120; exec ${quoted.join(' ')}`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: { PATH: process.env.PATH, HOME: os.tmpdir(), TERM: 'xterm-256color', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', () => resolve(out.replace(/\r\n/g, '\n')));
  });
}

describe('users list', () => {
  it('filters by user group, status in any case, record type, account type and a limit', async () => {
    const s = await store();
    expect(ids(await s.run(['users', 'list', '--user-group', 'GRAD']))).toEqual(['a1', 'a2', 'a4']);
    expect(ids(await s.run(['users', 'list', '--status', 'inactive']))).toEqual(['a2', 'a5']);
    expect(ids(await s.run(['users', 'list', '--record-type', 'staff']))).toEqual(['a3', 'admin']);
    expect(ids(await s.run(['users', 'list', '--account-type', 'External']))).toEqual(['a2']);
    expect(ids(await s.run(['users', 'list', '--user-group', 'GRAD', '--status', 'active', '--limit', '1']))).toEqual(['a1']);
    const bad = await s.run(['users', 'list', '--status', 'retired']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--status retired: not one of ACTIVE, INACTIVE');
  });

  it('piped, is one tab-separated line a user with no header, the columns of --format json in order', async () => {
    const s = await store();
    const r = await s.run(['users', 'list', '--user-group', 'GRAD', '--limit', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('a1\tAble, Ann\tPUBLIC\tINTERNAL\tGRAD\t\tACTIVE\t2027-01-31\t\n');
    const json = JSON.parse((await s.run(['users', 'list', '--user-group', 'GRAD', '--limit', '1', '--format', 'json'])).stdout);
    expect(Object.keys(json[0])).toEqual(['primary_id', 'name', 'record_type', 'account_type', 'user_group', 'job_category', 'status', 'expiry_date', 'email']);
  });
});

describe('reports piped', () => {
  it('gives a fields section as label<TAB>value lines and a table section a header row, each under its title', async () => {
    const s = await store();
    const r = await s.run(['users', 'show', 'a1']);
    expect(r.code).toBe(0);
    const blocks = r.stdout.trimEnd().split('\n\n');
    expect(blocks[0]!.split('\n').slice(0, 4)).toEqual(['Identity', 'Primary ID\ta1', 'Name\tAnn Able', 'Record type\tPUBLIC']);
    expect(blocks[1]!.split('\n')).toContain('Expiry date\t2027-01-31');
    const report = await s.run(['users', 'import', path.join(s.dir, 'users.csv')]);
    expect(report.stdout.split('\n').slice(0, 3)).toEqual([`files\t${path.join(s.dir, 'users.csv')} (csv)`, 'lines read\t6', 'dry run\tno']);
  });
});

describe('control characters', () => {
  /**
   * A file name may hold any character but / and NUL (codes and typed values may not hold
   * control characters): an import keeps it in the audit trail, where people read it back.
   */
  const RED = 'Red \u001b[31mtext\u001b[0m.csv';
  const RED_SHOWN = 'Red \\x1b[31mtext\\x1b[0m.csv';
  async function importedFrom(s: Awaited<ReturnType<typeof store>>, name: string, tty = false): Promise<CliResult> {
    fs.writeFileSync(path.join(s.dir, name), 'primary_id,user_group\na1,FACULTY\n');
    const r = await s.run(['users', 'import', name], { cwd: s.dir, tty });
    expect(r.code, r.stderr).toBe(0);
    return r;
  }

  it('show as escapes in tables, plain output and messages, and stay exact in JSON', async () => {
    const s = await store();
    const report = await importedFrom(s, RED);
    expect(report.stdout).toContain(`files\t${path.join(s.dir, RED_SHOWN)} (csv)`);
    expect(report.stdout).not.toContain('\u001b');
    const plain = await s.run(['users', 'history', 'a1']);
    expect(plain.stdout).toContain(`\tusers import ${path.join(s.dir, RED_SHOWN)}\tuser_group: GRAD -> FACULTY`);
    expect(plain.stdout).not.toContain('\u001b');
    const json = JSON.parse((await s.run(['users', 'history', 'a1', '--format', 'json'])).stdout) as { reason: string }[];
    expect(json.map((h) => h.reason)).toEqual([`users import ${path.join(s.dir, RED)}`]);
    const missing = await s.run(['users', 'show', 'x\u001b[2J\u009b1m']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('error: no user x\\x1b[2J\\x9b1m in this store\nhint: find one with: alma-users users search TEXT\n');
    const file = path.join(s.dir, 'page\u0007.json');
    fs.writeFileSync(file, '{"total_record_count": 0}');
    expect((await s.run(['users', 'import', file])).stderr).toContain(`no users in ${path.join(s.dir, 'page\\x07.json')}\n`);
    const unknown = await s.run(['users', 'shwo\u001b[1m']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'shwo\\x1b[1m'");
    expect(unknown.stderr).not.toContain('\u001b');
  });

  it('show as escapes in a table on a terminal', async () => {
    const s = await store();
    // The report's cell is as wide as the escape shows, so the frame stays straight.
    const out = (await importedFrom(s, 'Red \u001b[31mtext.csv', true)).stdout;
    expect(out).toMatch(/│ files +│ \/.*\/Red \\x1b\[31mtext\.csv \(csv\) │\n│ lines read +│ 2 +│/);
    expect(out).not.toContain('\u001b');
    const history = (await s.run(['users', 'history', 'a1'], { tty: true })).stdout;
    expect(history).toMatch(/^Reason +users import \/.*\/Red \\x1b\[31mtext\.csv$/m);
    expect(history).not.toContain('\u001b');
  });
});

describe('tables on a terminal', () => {
  it('draw a rule under the header and none between rows (framed when the frame fits the 100 columns)', async () => {
    const s = await store();
    const out = (await s.run(['users', 'list', '--user-group', 'GRAD'], { tty: true })).stdout;
    const lines = out.trimEnd().split('\n');
    // The headers on two lines at their spaces, so that the frame fits.
    expect(lines).toHaveLength(3 + 5);
    expect(lines[0]).toMatch(/^┌─/);
    expect(lines[1]).toMatch(/^│ Primary │ Name +│ Record │/);
    expect(lines[2]).toMatch(/^│ ID +│ +│ type +│/);
    expect(lines[3]).toMatch(/^├─/);
    expect(lines.slice(4, -1).every((l) => l.startsWith('│ '))).toBe(true);
    expect(lines.at(-1)).toMatch(/^└─/);
    // Every user: too wide for a frame (the administrator's address), drawn without one.
    const all = (await s.run(['users', 'list'], { tty: true })).stdout.trimEnd().split('\n');
    expect(all).toHaveLength(6 + 3);
    expect(all[0]).toMatch(/^Primary +Name +Record/);
    expect(all[2]).toMatch(/^─+  ─+/);
    const shown = (await s.run(['users', 'show', 'a1'], { tty: true })).stdout;
    expect(shown).toMatch(/│ Primary ID +│ a1 +│\n│ Name +│ Ann Able +│/);
  });

  // A real process on a pseudo-terminal: main.ts turns NO_COLOR into chalk's FORCE_COLOR=0,
  // and chalk decides on colour from the process's own streams.
  it.skipIf(!hasScript)('colour only the spinner, and not with NO_COLOR or --no-color', async () => {
    const s = await store();
    const set = await s.run(['set', 'create', 'grad', '--public', '--from-file', '-'], { input: 'User name\na1\na4\n' });
    expect(set.code).toBe(0);
    const env = { ALMA_USERS_DB: s.db, ALMA_USERS_OPERATOR: 'admin' };
    const job = (extra: string[], e: Record<string, string>) =>
      onTerminal([...extra, 'job', 'run', 'update-notify', '--set', 'grad', '--expiry-date', '2030-01-01', '--yes'], { ...env, ...e });
    expect(await job([], {})).toContain('\u001b[36m');
    expect(await job([], { NO_COLOR: '1' })).not.toContain('\u001b[36m');
    expect(await job(['--no-color'], {})).not.toContain('\u001b[36m');
  });
});

describe('users export -o', () => {
  it('refuses a missing folder or a folder as the target before writing anything (exit 2)', async () => {
    const s = await store();
    const missing = await s.run(['users', 'export', '-o', '/nonexistent/dir/u.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      'error: -o /nonexistent/dir/u.json: the folder /nonexistent/dir does not exist\n' +
        'hint: create it first (mkdir -p /nonexistent/dir) or name a file in an existing folder\n',
    );
    const folder = await s.run(['users', 'export', '--to', 'csv', '-o', s.dir]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toBe(`error: -o ${s.dir}: is a folder, not a file\nhint: name a file to write, e.g. -o ${path.join(s.dir, 'users.csv')}\n`);
    expect(fs.readdirSync(s.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const ok = await s.run(['users', 'export', '-o', path.join(s.dir, 'u.json')]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(s.dir, 'u.json'), 'utf8')).total_record_count).toBe(6);
  });
});

describe('help', () => {
  it('names every users command in the group description', async () => {
    const commands = (await cli(['users', '--help'])).stdout.split('\nCommands:\n')[1]!
      .split('\n').map((l) => /^  ([a-z-]+)/.exec(l)?.[1]).filter((c) => c !== undefined && c !== 'help');
    expect(commands).toContain('reset-password');
    // The description as the top-level help wraps it, its lines joined.
    const r = await cli(['--help']);
    const description = /^  users +(.*(?:\n {4,}\S.*)*)/m.exec(r.stdout)?.[1]?.replace(/\s+/g, ' ');
    expect(description).toBe(`users: ${commands.join(', ')}`);
  });
});
