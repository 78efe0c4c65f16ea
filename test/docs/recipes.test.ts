import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, cli, ROOT, tempDir, type CliResult } from '../helpers/cli.js';

/**
 * The README's recipes, run as written: each bash block after a `<!-- recipe: NAME -->` line
 * goes to real bash (the point is the shell: quoting, variables, `$(...)`, `set -e`), with
 * `alma-users` on the PATH as the built CLI, so `npm run build` comes first (`npm test` does
 * it). The shell works in a folder of its own, on a store made from fixtures/users.csv;
 * every alma-users command it runs is logged with its exit code, and what the recipe did is
 * then read back through the CLI, as its user would.
 */

const README = path.join(ROOT, 'README.md');
const FIXTURES = path.join(ROOT, 'fixtures');
const BUILT = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');

/** The bash block after each `<!-- recipe: NAME -->` marker, by name. */
export function recipes(markdown: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of markdown.matchAll(/^<!-- recipe: ([\w-]+) -->\n```bash\n([\s\S]*?)^```$/gm)) found.set(m[1]!, m[2]!);
  return found;
}

interface Shell {
  dir: string;
  /** The CLI in-process against the recipe's store, as its operator would look afterwards. */
  look: (args: string[]) => Promise<CliResult>;
  /** Runs the recipe in bash; `log` lists each alma-users command as `EXIT ARGS...`. */
  bash: (script: string, env?: Record<string, string>) => Promise<CliResult & { log: string[] }>;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

/** A folder with a store holding fixtures/users.csv (operator jsmith, User Administrator) and the recipe's files. */
async function shell(files: Record<string, string>): Promise<Shell> {
  if (!fs.existsSync(BUILT)) throw new Error('the recipes run the built CLI: run `npm run build` first');
  const { dir, cleanup } = tempDir('alma-users-recipe-');
  cleanups.push(cleanup);
  const db = path.join(dir, 'store.db');
  const log = path.join(dir, 'alma-users.log');
  const env = { ALMA_USERS_DB: db, ALMA_USERS_OPERATOR: 'jsmith' };
  const look = (args: string[]) => cli(args, { env, cwd: dir });
  const setup = [
    ['init', '--admin', 'jsmith', '--first-name', 'Jane', '--last-name', 'Smith', '--email', 'jsmith@example.edu'],
    ['users', 'import', path.join(FIXTURES, 'users.csv')],
  ];
  for (const args of setup) expect((await look(args)).code, args.join(' ')).toBe(0);
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);

  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  const wrapper = ['#!/bin/sh', `"${process.execPath}" "${BIN}" "$@"`, 'rc=$?', `printf '%s %s\\n' "$rc" "$*" >> "${log}"`, 'exit $rc', ''];
  fs.writeFileSync(path.join(bin, 'alma-users'), wrapper.join('\n'), { mode: 0o755 });

  const bash = (script: string, extra: Record<string, string> = {}) =>
    new Promise<CliResult & { log: string[] }>((resolve, reject) => {
      fs.writeFileSync(path.join(dir, 'recipe.sh'), script);
      fs.rmSync(log, { force: true });
      // The operator comes from the recipe itself, the store from the environment.
      const child = spawn('bash', ['recipe.sh'], {
        cwd: dir,
        env: { PATH: `${bin}:${process.env.PATH}`, HOME: dir, TZ: process.env.TZ, ALMA_USERS_DB: db, ...extra },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => {
        const lines = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trimEnd().split('\n') : [];
        resolve({ code, stdout, stderr, log: lines });
      });
    });
  return { dir, look, bash };
}

/**
 * shell() with the staff user the nightly script acts as: `batch`, a User Manager, with an
 * e-mail address (a job letter could reach it), in a store whose institution has none (a
 * letter would go out From a default address, with a warning).
 */
async function nightlyShell(files: Record<string, string>): Promise<Shell> {
  const batch = 'primary_id,first_name,last_name,email,record_type,roles\nbatch,Nightly,Batch,batch@example.edu,STAFF,user-manager\n';
  const s = await shell({ ...files, 'batch.csv': batch });
  expect((await s.look(['users', 'import', path.join(s.dir, 'batch.csv')])).code).toBe(0);
  return s;
}

/** Each logged command begins with what is expected of it, in order: `EXIT ARGS...`. */
function expectCommands(log: string[], expected: string[]): void {
  expect(log.map((line, i) => (expected[i] !== undefined && line.startsWith(expected[i]!) ? expected[i] : line))).toEqual(expected);
}

const json = <T>(r: CliResult): T => JSON.parse(r.stdout) as T;
const ids = (rows: { primary_id: string }[]) => rows.map((r) => r.primary_id).sort();
type Letter = { primary_id: string; notification_type: string; status: string; subject: string };

/** The operator's "job completed" letters apart from the users' letters, as `mail list` shows both. */
function byAddressee(letters: Letter[]): { users: Letter[]; operator: Letter[] } {
  const isJobLetter = (l: Letter) => l.notification_type === 'JOB_COMPLETED';
  return { users: letters.filter((l) => !isJobLetter(l)), operator: letters.filter(isJobLetter) };
}

const book = recipes(fs.readFileSync(README, 'utf8'));
const recipe = (name: string) => {
  const script = book.get(name);
  if (script === undefined) throw new Error(`README.md has no recipe ${name}`);
  return script;
};

describe("the README's recipes", () => {
  it('are the four this file runs, each a bash block after its marker', () => {
    expect([...book.keys()].sort()).toEqual(['graduates', 'license-viewer', 'nightly', 'password-reset']);
  });

  it('password-reset: a public set from an ID file, then new passwords sent by the Password Change letter', async () => {
    const s = await shell({ 'reset-ids.txt': fs.readFileSync(path.join(FIXTURES, 'ids.txt'), 'utf8') });
    const r = await s.bash(recipe('password-reset'));
    // Two of the five are external and one has no e-mail address: done with warnings (3).
    expectCommands(r.log, [
      '0 set create password-reset --from-file reset-ids.txt --public --fail-on-invalid',
      '3 job run update-notify --set password-reset --notify NOTIFY_PASSWORD_CHANGE --dry-run',
      '3 job run update-notify --set password-reset --notify NOTIFY_PASSWORD_CHANGE --reason',
      '0 job list --limit 1',
      '0 job report ',
      '0 mail list --status failed',
    ]);
    // The report of the job just run, found through `job list | cut -f1`.
    expect(r.stdout).toMatch(/^0012345\tchanged\tpassword reset/m);
    expect(r.stdout).toMatch(/^0012347\tunchanged\t.*external account/m);
    const letters = byAddressee(json<Letter[]>(await s.look(['--format', 'json', 'mail', 'list'])));
    expect(letters.users.map((l) => [l.primary_id, l.notification_type, l.status])).toEqual([
      ['0012345', 'NOTIFY_PASSWORD_CHANGE', 'sent'],
      ['0012346', 'NOTIFY_PASSWORD_CHANGE', 'sent'],
    ]);
    // The operator hears of the set load and of the job, as the README says; of no dry run.
    expect(letters.operator.map((l) => [l.primary_id, l.status, l.subject])).toEqual([
      ['jsmith', 'sent', expect.stringContaining('Add Members to Set password-reset')],
      ['jsmith', 'sent', expect.stringContaining('password reset - Completed with Warnings')],
    ]);
    // Public, as CARLI's procedure makes it, so that colleagues see it.
    const publicSets = json<{ name: string }[]>(await s.look(['--format', 'json', 'set', 'list', '--public']));
    expect(publicSets.map((x) => x.name)).toEqual(['password-reset']);
  });

  it('license-viewer: every active cataloger gets the role through a logical set', async () => {
    const s = await shell({});
    const r = await s.bash(recipe('license-viewer'));
    expectCommands(r.log, [
      '0 users list --query job_category = "Cataloger" AND status = "ACTIVE"',
      '0 set create catalogers --query',
      '0 job run update-notify --set catalogers --add-role license-viewer --dry-run',
      '0 job run update-notify --set catalogers --add-role license-viewer --reason',
    ]);
    const viewers = json<{ primary_id: string }[]>(await s.look(['--format', 'json', 'users', 'list', '--query', 'role = "license-viewer"']));
    expect(ids(viewers)).toEqual(['0012345', '0012346', '0012347', '0012350', '0012351']);
  });

  it('graduates: external students become internal alumni, each with a password letter', async () => {
    const s = await shell({ 'graduates.txt': 'User name\ns1000002\ns1000003\n' });
    const r = await s.bash(recipe('graduates'));
    expectCommands(r.log, [
      '0 set create graduates --from-file graduates.txt --fail-on-invalid',
      '0 job run update-notify --set graduates --convert-to internal --user-group ALUMNI --expiry-date +1y --notify NOTIFY_PASSWORD_CHANGE --dry-run',
      '0 job run update-notify --set graduates --convert-to internal --user-group ALUMNI --expiry-date +1y --notify NOTIFY_PASSWORD_CHANGE --reason',
    ]);
    const alumni = json<{ primary_id: string }[]>(
      await s.look(['--format', 'json', 'users', 'list', '--query', 'account_type = "INTERNAL" AND user_group = "ALUMNI" AND external_id IS EMPTY']),
    );
    expect(ids(alumni)).toEqual(['a3000001', 's1000002', 's1000003']);
    const letters = byAddressee(json<Letter[]>(await s.look(['--format', 'json', 'mail', 'list'])));
    expect(ids(letters.users)).toEqual(['s1000002', 's1000003']);
    expect(letters.users.every((l) => l.notification_type === 'NOTIFY_PASSWORD_CHANGE' && l.status === 'sent')).toBe(true);
    expect(letters.operator.map((l) => [l.primary_id, l.status, l.subject])).toEqual([
      ['jsmith', 'sent', expect.stringContaining('Add Members to Set graduates')],
      ['jsmith', 'sent', expect.stringContaining('update-notify - Completed Successfully')],
    ]);
  });

  it('nightly: loads the SIS file, makes expired users inactive, quietly, night after night', async () => {
    const sis = [
      'primary_id,first_name,last_name,email,user_group,record_type,account_type,external_id,expiry_date',
      'x9000001,Olive,Reader,olive.reader@example.edu,UNDERGRAD,PUBLIC,EXTERNAL,SIS,2020-06-30',
      'x9000002,Nova,Reader,nova.reader@example.edu,UNDERGRAD,PUBLIC,EXTERNAL,SIS,2099-06-30',
      '',
    ].join('\n');
    const s = await nightlyShell({ 'patrons.csv': sis });
    const env = { SIS_FILE: path.join(s.dir, 'patrons.csv'), REPORTS: path.join(s.dir, 'reports') };

    // A night that goes well exits 0, prints nothing and sends no letter, so nobody gets mail.
    const night = async (commands: string[]) => {
      const r = await s.bash(recipe('nightly'), env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      expectCommands(r.log, commands);
    };
    const job = '0 --quiet --format json job run update-notify --set expired --status inactive';
    const [load, retry] = ['0 --quiet --format json users import', '0 --quiet --format json mail retry'];

    await night([load, '2 set show expired', '0 --quiet --format json set create expired', job, retry]);
    const inactive = json<{ primary_id: string }[]>(await s.look(['--format', 'json', 'users', 'list', '--status', 'inactive']));
    expect(ids(inactive)).toContain('x9000001');
    expect(ids(inactive)).not.toContain('x9000002');
    const reports = fs.readdirSync(env.REPORTS).sort();
    expect(reports.map((f) => f.replace(/^\d{4}-\d\d-\d\d-/, ''))).toEqual(['expired.json', 'import.json', 'mail.json', 'set.json']);
    const report = JSON.parse(fs.readFileSync(path.join(env.REPORTS, reports.find((f) => f.endsWith('expired.json'))!), 'utf8')) as { status: string };
    expect(report.status).toBe('Completed Successfully');

    // The next night the set exists and nobody new has expired: nothing to do, nothing said.
    await night([load, '0 set show expired', job, retry]);
    expect(json<Letter[]>(await s.look(['--format', 'json', 'mail', 'list']))).toEqual([]);
  });

  it('nightly: a failing command stops the script with its exit code and says which on stderr', async () => {
    const s = await nightlyShell({});
    const r = await s.bash(recipe('nightly'), { SIS_FILE: path.join(s.dir, 'missing.csv'), REPORTS: path.join(s.dir, 'reports') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/alma-users users import .*missing\.csv: failed with exit 2/);
    expect(r.log).toHaveLength(1);
  });
});
