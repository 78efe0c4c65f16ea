import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandWord, COMMAND_LOADERS, groupOf, GROUP_LOADERS } from '../../src/cli/groups.js';
import { buildProgram } from '../../src/cli/program.js';
import { programWith } from '../../src/cli/program-core.js';

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

describe('a read-only command line loads only its own command (start-up)', () => {
  const whole = buildProgram(io, () => {}, async () => 0);
  const sub = (program: Command, group: string, name: string) =>
    program.commands.find((c) => c.name() === group)?.commands.find((c) => c.name() === name);

  it.each(Object.keys(COMMAND_LOADERS))('%s is defined alone as its group defines it: arguments, options, help', async (line) => {
    const [group, name] = line.split(' ') as [string, string];
    const alone = programWith(io, () => {}, async () => 0, [(await groupOf(['--format', 'json', group, name, 'X']))!]);
    expect(alone.commands.map((c) => c.name())).toEqual([group, 'help']);
    const mine = sub(alone, group, name);
    const theirs = sub(whole, group, name);
    expect(mine, line).toBeDefined();
    expect(theirs, line).toBeDefined();
    expect(alone.commands[0]!.commands).toHaveLength(1);
    expect(mine!.helpInformation()).toBe(theirs!.helpInformation());
  });

  it('loads the whole group for its own help, for a command not in the table, and when an option comes before the command', async () => {
    const count = async (args: string[]) => {
      const alone = new Command('alma-users');
      (await groupOf(args))!.register(alone, () => async () => {});
      return alone.commands[0]!.commands.length;
    };
    const users = sub(whole, 'users', 'show')!.parent!.commands.length;
    expect(await count(['users', 'show', 'X'])).toBe(1);
    expect(await count(['users'])).toBe(users);
    expect(await count(['users', '--help'])).toBe(users);
    expect(await count(['users', 'import', 'f.csv'])).toBe(users);
    expect(await count(['users', '-q', 'show', 'X'])).toBe(users);
  });
});
