import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandWord, groupOf, GROUP_LOADERS } from '../../src/cli/groups.js';
import { buildProgram } from '../../src/cli/program.js';

const io = { stdout: { write: () => true }, stderr: { write: () => true }, stdin: process.stdin, env: {}, cwd: '.' };

describe('a command line loads only its own group (start-up)', () => {
  it('reaches every command group of the program by its name', async () => {
    const names = buildProgram(io, () => {}, async () => 0).commands.map((c) => c.name()).filter((n) => n !== 'help');
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) {
      const group = await groupOf([name]);
      expect(group, name).toBeDefined();
      const alone = new Command('alma-users');
      group!.register(alone, () => async () => {});
      expect(alone.commands.map((c) => c.name())).toEqual([name]);
    }
    expect(Object.keys(GROUP_LOADERS).sort()).toEqual([...names].sort());
  });

  it('finds the command word after the global options and their values, and none where help or the version is asked first', () => {
    expect(commandWord(['--db', 'x.db', '--format', 'json', '-q', 'job', 'list'])).toBe('job');
    expect(commandWord(['--operator=jsmith', '--utc', 'users', 'show', '1'])).toBe('users');
    expect(commandWord(['--help', 'users'])).toBeUndefined();
    expect(commandWord(['-V'])).toBeUndefined();
    expect(commandWord([])).toBeUndefined();
  });
});
