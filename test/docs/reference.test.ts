import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { buildProgram } from '../../src/cli/program.js';
import { allCommands, anchor, commandReference, helpText } from '../../src/cli/reference.js';
import { cli, ROOT } from '../helpers/cli.js';

const REFERENCE = path.join(ROOT, 'docs', 'reference.md');
const STALE = 'docs/reference.md is not what the commander definitions generate now: run `npm run docs` and commit docs/reference.md';

/** The program as main.ts builds it; nothing runs, so the streams are never written. */
function program(): Command {
  const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: {}, cwd: ROOT };
  return buildProgram(io, () => undefined, run);
}

/**
 * Help is wrapped to the terminal's width when stdout is one, so text is compared with its
 * runs of white space made one space: the same words in the same order.
 */
const words = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('docs/reference.md', () => {
  it('is what `npm run docs` generates from the commander definitions now', () => {
    const committed = fs.existsSync(REFERENCE) ? fs.readFileSync(REFERENCE, 'utf8') : '(missing)';
    expect(committed, STALE).toBe(commandReference(program()));
  });

  it("holds every command's --help as the command prints it", async () => {
    const reference = words(fs.readFileSync(REFERENCE, 'utf8'));
    const commands = allCommands(program());
    // The groups and their commands: a walk that found only the program would prove nothing.
    expect(commands.map((c) => c.path.join(' '))).toEqual(expect.arrayContaining(['job run', 'set create', 'codes add', 'users import']));
    for (const { path: cmdPath } of commands) {
      const r = await cli([...cmdPath, '--help']);
      expect(r.code, `alma-users ${cmdPath.join(' ')} --help`).toBe(0);
      expect(r.stdout).toMatch(/^Usage: alma-users/);
      // A boolean, so that a failure names the command instead of printing the whole reference.
      const found = reference.includes(words(r.stdout));
      expect(found, `alma-users ${cmdPath.join(' ')} --help is not in docs/reference.md: run \`npm run docs\``).toBe(true);
    }
  });

  it('links every command from its table of contents to its section', () => {
    const text = fs.readFileSync(REFERENCE, 'utf8');
    const headings = new Set([...text.matchAll(/^#{2,4} (alma-users.*)$/gm)].map((m) => anchor(m[1]!)));
    for (const { path: cmdPath } of allCommands(program())) {
      const title = ['alma-users', ...cmdPath].join(' ');
      expect(text).toContain(`[${title}](#${anchor(title)})`);
      expect(headings.has(anchor(title)), title).toBe(true);
    }
  });
});

describe('commandReference', () => {
  const tiny = () => {
    const p = new Command('tool').description('a tool').option('--db <path>', 'the store');
    const noun = p.command('thing').description('things: <list> and | pipes');
    noun.command('make <name>').description('make a thing').option('--big', 'a big one').addHelpText('after', '\nExample:\n  tool thing make x');
    return p;
  };

  it('gives each command a section with its help, after-text included, and the global options once', () => {
    const text = commandReference(tiny());
    expect(text).toContain('### tool thing make\n\n```text\nUsage: tool thing make [options] <name>');
    expect(text).toContain('Example:\n  tool thing make x\n```');
    expect(text.match(/--db <path>/g)).toHaveLength(1);
    expect(text).toContain('  - [tool thing make](#tool-thing-make): make a thing');
    // Markup in a description is shown as written in the contents.
    expect(text).toContain('things: \\<list\\> and \\| pipes');
  });

  it('lays help out at 80 columns whatever the terminal, and leaves the program as it was', () => {
    const p = tiny();
    const make = p.commands[0]!.commands[0]!;
    const before = make.configureOutput();
    make.description('word '.repeat(40).trim());
    const help = helpText(make);
    expect(Math.max(...help.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);
    expect(help.split('\n').filter((l) => l.startsWith('word')).length).toBeGreaterThan(1);
    expect(make.configureOutput()).toEqual(before);
  });
});
