import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { packageVersion } from '../../src/app/package-files.js';
import { run } from '../../src/cli/main.js';
import { manPage } from '../../src/cli/man-page.js';
import { buildProgram } from '../../src/cli/program.js';
import { allCommands } from '../../src/cli/reference.js';
import { ROOT, tempDir } from '../helpers/cli.js';

const PAGE = path.join(ROOT, 'alma-users.1');
const STALE = 'alma-users.1 is not what the commander definitions generate now: run `npm run docs` and commit alma-users.1';

function program(): Command {
  const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: {}, cwd: ROOT };
  return buildProgram(io, () => undefined, run);
}

const ENV = { PATH: process.env.PATH, HOME: process.env.HOME, MANWIDTH: '80', LANG: 'C.UTF-8', MANPAGER: 'cat', PAGER: 'cat' };

/**
 * `man -l FILE` as a person runs it at 80 columns, with groff's warnings on (man's
 * --warnings; its `--warnings=all` passes none), and groff's own check with every warning.
 */
function man(file: string) {
  const r = spawnSync('man', ['--warnings', '-l', file], { encoding: 'utf8', env: ENV });
  const groff = spawnSync('groff', ['-man', '-ww', '-z', file], { encoding: 'utf8', env: ENV });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr + groff.stderr };
}

describe('the man page alma-users.1', () => {
  it('is what `npm run docs` generates from the commander definitions now', () => {
    const committed = fs.existsSync(PAGE) ? fs.readFileSync(PAGE, 'utf8') : '(missing)';
    expect(committed, STALE).toBe(manPage(program(), packageVersion()));
  });

  it('is the man entry of package.json, so that npm installs it', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { man?: string | string[] };
    expect([pkg.man].flat().map((m) => path.resolve(ROOT, m ?? ''))).toContain(PAGE);
  });

  it('renders with man -l at 80 columns without a warning, every command in it', () => {
    const r = man(PAGE);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    for (const section of ['NAME', 'SYNOPSIS', 'GLOBAL OPTIONS', 'COMMANDS', 'ENVIRONMENT', 'EXIT STATUS']) expect(r.stdout).toContain(`\n${section}\n`);
    const commands = allCommands(program()).slice(1);
    expect(commands.length).toBeGreaterThan(30);
    for (const { path: words } of commands) expect(r.stdout, words.join(' ')).toMatch(new RegExp(`^ {3}alma-users ${words.join(' ')}\\b`, 'm'));
    // Options, their values and the examples read as typed.
    expect(r.stdout).toContain('--save-set <name>');
    expect(r.stdout).toContain("alma-users users list --query 'user_group = \"FACULTY\" AND expiry_date < today+30d'");
    // The hidden command the completion scripts call is not a command a person runs.
    expect(r.stdout).not.toContain('__complete');
  });

  it('keeps text that roff would read as requests or escapes as written (this test can fail)', () => {
    const p = new Command('tool').description('a tool').option('--db <path>', 'the store');
    p.command('odd')
      .description(".starts with a dot, \\back\\slash, 'quote, Müller → café")
      .option('--x <v>', "'a quote first")
      .addHelpText('after', '\n.dot line\n  tool odd --x "a\\b"');
    const { dir, cleanup } = tempDir();
    try {
      const file = path.join(dir, 'tool.1');
      fs.writeFileSync(file, manPage(p, '1.0'));
      const r = man(file);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain(".starts with a dot, \\back\\slash, 'quote, Müller → café");
      expect(r.stdout).toContain("'a quote first");
      expect(r.stdout).toContain('.dot line');
      expect(r.stdout).toContain('tool odd --x "a\\b"');
    } finally {
      cleanup();
    }
  });
});
