import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cli, cliProcess, ROOT, tempDir, tempStore, WATCH_ZOD } from '../helpers/cli.js';
import { addUsers, userManager } from '../helpers/sets-users.js';

/**
 * `alma-users completion bash` run under a real bash: the script is sourced, COMP_WORDS and
 * COMP_CWORD set as readline sets them, the completion function called and COMPREPLY read.
 * It calls the built CLI (`alma-users` on PATH), as an installed one would be.
 */

type Store = Awaited<ReturnType<typeof tempStore>>;
let s: Store;
let other: Store;
let bin: ReturnType<typeof tempDir>;
let script: string;
let job: string;

const fixture = (name: string) => path.join(ROOT, 'fixtures', name);

beforeAll(async () => {
  [s, other] = [await tempStore(), await tempStore()];
  addUsers(s.db, [userManager('mgr')]);
  const steps = [
    ['users', 'import', fixture('users.csv')],
    ['set', 'create', 'catalogers', '--from-file', fixture('ids.txt')],
    ['set', 'create', 'my cats', '--query', 'job_category = "Cataloger"'],
    ['set', 'create', 'theirs', '--operator', 'mgr'],
    ['set', 'create', 'everyone', '--public', '--operator', 'mgr'],
    ['codes', 'add', 'user_group', 'VISITOR', 'Visiting scholar'],
    ['job', 'run', 'update-notify', '--set', 'catalogers', '--add-role', 'license-viewer', '--yes'],
  ];
  for (const step of steps) expect([0, 3], step.join(' ')).toContain((await s.run(step)).code);
  expect((await other.run(['set', 'create', 'elsewhere'])).code).toBe(0);
  job = (JSON.parse((await s.run(['job', 'list', '--format', 'json'])).stdout) as { id: string }[])[0]!.id;
  bin = tempDir('alma-users-bin-');
  fs.symlinkSync(BIN, path.join(bin.dir, 'alma-users'));
  script = path.join(bin.dir, 'alma-users.bash');
  fs.writeFileSync(script, (await cli(['completion', 'bash'])).stdout);
});

afterAll(() => {
  s?.cleanup();
  other?.cleanup();
  bin?.cleanup();
});

/** COMPREPLY for a command line whose last word is being completed ('' after a space). */
function complete(...words: string[]): string[] {
  const run = 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _alma_users; printf "%s\\n" "${COMPREPLY[@]}"';
  const r = spawnSync('bash', ['-c', run, 'bash', script, 'alma-users', ...words], {
    encoding: 'utf8',
    env: { PATH: `${bin.dir}:${process.env.PATH}`, HOME: bin.dir, ALMA_USERS_DB: s.db, ALMA_USERS_OPERATOR: 'admin' },
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.split('\n').filter((l) => l !== '');
}

describe('bash completion', () => {
  it('completes the commands, and not the hidden one it calls', () => {
    const top = complete('');
    expect(top).toEqual(expect.arrayContaining(['init', 'users', 'set', 'job', 'codes', 'completion', 'help']));
    expect(top).not.toContain('__complete');
    expect(complete('se')).toEqual(['set']);
    expect(complete('set', '')).toEqual(expect.arrayContaining(['create', 'show', 'members', 'itemize']));
    expect(complete('job', 'r').sort()).toEqual(['report', 'resume', 'run']);
  });

  it("completes a command's options and the global ones", () => {
    const options = complete('users', 'list', '--');
    expect(options).toEqual(expect.arrayContaining(['--user-group', '--query', '--save-set', '--db', '--operator', '--format', '--help']));
    expect(options).not.toContain('--from-file');
    expect(complete('users', 'list', '--sa')).toEqual(['--save-set']);
    expect(complete('--format', '')).toEqual(['table', 'json', 'csv', 'ndjson']);
    expect(complete('users', 'list', '--status', '')).toEqual(['ACTIVE', 'INACTIVE']);
    expect(complete('job', 'run', '')).toEqual(['update-notify', 'purge']);
  });

  it('completes codes from the store: after --user-group, in a role scope, as an argument', () => {
    const groups = complete('users', 'list', '--user-group', '');
    // VISITOR was added to this store: the names are read from it, not from the defaults.
    expect(groups).toEqual(expect.arrayContaining(['FACULTY', 'GRAD', 'VISITOR']));
    expect(complete('users', 'list', '--user-group', 'vis')).toEqual(['VISITOR']);
    expect(complete('job', 'run', 'update-notify', '--add-role', 'cataloger@')).toEqual(expect.arrayContaining(['cataloger@MAIN']));
    expect(complete('codes', 'remove', 'user_group', 'V')).toEqual(['VISITOR']);
    expect(complete('codes', 'list', 'user_')).toEqual(['user_group', 'user_title']);
  });

  it("completes the operator's set names (escaped) and no one else's private set", () => {
    const names = complete('set', 'show', '');
    expect(names.sort()).toEqual(['catalogers', 'everyone', 'my\\ cats']);
    expect(complete('job', 'run', 'update-notify', '--set', 'my')).toEqual(['my\\ cats']);
    expect(complete('set', 'show', '"my')).toEqual(['my cats']);
  });

  it('completes job ids', () => {
    expect(complete('job', 'show', '')).toContain(job);
    expect(complete('mail', 'list', '--job', job.slice(0, 3))).toContain(job);
  });

  it('reads the store that --db on the line names, and offers nothing when there is none', () => {
    expect(complete('--db', other.db, 'set', 'delete', '')).toEqual(['elsewhere']);
    expect(complete('--db', path.join(bin.dir, 'none.db'), 'set', 'show', '')).toEqual([]);
    expect(complete('users', 'import', '')).toEqual([]);
  });
});

describe('the completion scripts', () => {
  it('are a bash script bash accepts, and zsh and fish scripts that call the hidden command (zsh and fish are not run here)', async () => {
    const syntax = spawnSync('bash', ['-n', script], { encoding: 'utf8' });
    expect(syntax.status, syntax.stderr).toBe(0);
    const zsh = (await cli(['completion', 'zsh'])).stdout;
    expect(zsh).toMatch(/^#compdef alma-users\n/);
    expect(zsh).toContain('alma-users __complete -- ');
    expect(zsh).toContain('compdef _alma_users alma-users');
    const fish = (await cli(['completion', 'fish'])).stdout;
    expect(fish).toContain('alma-users __complete -- ');
    expect(fish).toContain("complete -c alma-users -f -a '(_alma_users)'");
  });

  it('refuses a shell it does not know, naming the ones it does (exit 2)', async () => {
    const r = await cli(['completion', 'tcsh']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('tcsh: not one of bash, zsh, fish');
  });

  it('__complete loads no zod and says nothing on stderr', async () => {
    const r = await cliProcess(['__complete', '--', 'users', 'list', '--user-group', ''], {
      env: { ALMA_USERS_DB: s.db, ...WATCH_ZOD },
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('FACULTY\tFaculty\n');
  });
});
