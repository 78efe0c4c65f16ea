import { describe, expect, it } from 'vitest';
import { tempStores } from '../helpers/cli.js';
import { patron, seedUsers } from '../helpers/seed.js';
import { queueLetters } from '../helpers/smtp.js';

/** Messages a person can act on: each names the thing, the value given, and the fix. */

const store = tempStores();

describe('messages that say what to do', () => {
  it('--limit abc quotes the value and says what to give, in every listing', async () => {
    const s = await store();
    for (const args of [['users', 'list'], ['users', 'search', 'x'], ['job', 'list'], ['mail', 'list']]) {
      const r = await s.run([...args, '--limit', 'abc']);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('error: --limit abc: not a whole number above 0\nhint: give a count, e.g. --limit 50\n');
    }
    const bad = await s.run(['mail', 'list', '--status', 'lost']);
    expect(bad.stderr).toContain('error: --status lost: not one of pending, sending, sent, failed, suppressed, uncertain, discarded\n');
  });

  it('a missing ID file is named, with the reason in words and what to check', async () => {
    const s = await store();
    const r = await s.run(['set', 'create', 'x', '--from-file', 'no-such-ids.txt'], { cwd: s.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no-such-ids.txt: cannot read the file: no such file (ENOENT)');
    expect(r.stderr).toContain('hint: check the name and folder (a relative path is read from the current folder)');
  });

  it('an unknown library after @ is echoed whole', async () => {
    const s = await store();
    seedUsers(s.db, [patron('0001')]);
    await s.run(['set', 'create', 'all', '--query', 'primary_id = "0001"']);
    const r = await s.run(['job', 'run', 'update-notify', '--set', 'all', '--add-role', 'patron@NOWHERE', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--add-role patron@NOWHERE:');
  });

  it('job show --format json records no password reset for a job that only added a role', async () => {
    const s = await store();
    seedUsers(s.db, [patron('0001')]);
    await s.run(['set', 'create', 'all', '--query', 'primary_id = "0001"']);
    const run = await s.run(['--format', 'json', 'job', 'run', 'update-notify', '--set', 'all', '--add-role', 'patron', '--yes']);
    const job = JSON.parse(run.stdout) as { id: string };
    const shown = JSON.parse((await s.run(['job', 'show', job.id, '--format', 'json'])).stdout) as { parameters: Record<string, unknown> };
    expect(shown.parameters).not.toHaveProperty('password_reset');
    expect(shown.parameters.add_roles).toEqual([{ role: 'patron' }]);
  });

  it('letters going out with the default From address are warned of once, with the setting that fixes it', async () => {
    const s = await store();
    seedUsers(s.db, [patron('0001'), patron('0002')]);
    // No letter to send, no warning: a nightly `mail retry` in cron stays quiet.
    expect((await s.run(['mail', 'retry'])).stderr).not.toContain('alma-users@localhost');
    await queueLetters(s.db, ['0001', '0002'], 'GENERAL_MESSAGE');
    const r = await s.run(['mail', 'retry']);
    expect(r.code).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.includes('alma-users@localhost'));
    expect(warnings).toEqual([
      'warning: letters go out From "The Library" <alma-users@localhost>, a default: the institution\'s e-mail is not configured ' +
        '(set it: alma-users config set institution.email library@example.edu, or mail.from)',
    ]);
    expect((await s.run(['config', 'set', 'institution.email', 'library@example.edu'])).code).toBe(0);
    await queueLetters(s.db, ['0001'], 'GENERAL_MESSAGE');
    expect((await s.run(['mail', 'retry'])).stderr).not.toContain('alma-users@localhost');
  });
});

describe('an undo conflict', () => {
  it('names the import that changed the field again, who ran it, and the way to overwrite', async () => {
    const s = await store();
    seedUsers(s.db, [patron('0001')]);
    await s.run(['set', 'create', 'all', '--query', 'primary_id = "0001"']);
    const run = await s.run(['--format', 'json', 'job', 'run', 'update-notify', '--set', 'all', '--expiry-date', '2030-01-01', '--yes']);
    const job = (JSON.parse(run.stdout) as { id: string }).id;
    const file = s.file('later.csv', 'primary_id,expiry_date\n0001,2031-12-31\n');
    expect((await s.run(['users', 'import', file])).code).toBe(0);
    const undo = await s.run(['--format', 'json', 'job', 'undo', job]);
    const issues = (JSON.parse(undo.stdout) as { issues: { message: string }[] }).issues.map((i) => i.message);
    expect(issues).toEqual([
      expect.stringMatching(new RegExp(`^conflict: expiry_date: .* was changed again by users import ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(by admin\\); ` +
        `left as it is \\(to put it back anyway: alma-users job undo ${job} --force\\)$`)),
    ]);
  });
});

describe('help', () => {
  it('alma-users help <group> <command> is the command\'s own help, with the global options it accepts', async () => {
    const r = await store().then((s) => s.run(['help', 'job', 'run']));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: alma-users job run \[options\] <type>/);
    expect(r.stdout).toContain('Global Options:');
    expect(r.stdout).toMatch(/--db <path> +the store/);
    expect(r.stdout).toMatch(/--utc +times in tables in UTC/);
    const nested = await store().then((s) => s.run(['users', 'list', '--help']));
    expect(nested.stdout).toContain('Global Options:');
    const unknown = await store().then((s) => s.run(['help', 'job', 'rnu']));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'job rnu'");
  });
});
