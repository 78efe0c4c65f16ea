import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Command } from 'commander';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { collect, group, parseOptions, topLevel, upper, type Bind, type CommandDef, type Handler } from '../../src/cli/command.js';
import type { Io } from '../../src/cli/context.js';
import { run } from '../../src/cli/main.js';
import { UsageError } from '../../src/domain/errors.js';
import { Capture, ROOT, tempDir } from '../helpers/cli.js';

/** A command that records how it was called. */
function recorder(name: string, calls: string[]): CommandDef {
  return {
    define: (parent) => parent.command(`${name} [arg]`).option('--flag'),
    run: (_ctx, args, opts) => {
      calls.push(`${name}(${args.join(',')})${opts.flag ? ' --flag' : ''}`);
      return {};
    },
  };
}

/** Binds a handler as program.ts does, but with no Context: the recorder never touches one. */
const bind: Bind = (handler: Handler) => async (...commanderArgs) => {
  const opts = commanderArgs[commanderArgs.length - 2] as Record<string, unknown>;
  const args = commanderArgs.slice(0, -2).filter((a) => a !== undefined).map(String);
  await handler(undefined as never, args, opts);
};

describe('group and topLevel', () => {
  it('a group registers a noun with each verb under it', async () => {
    const calls: string[] = [];
    const program = new Command().exitOverride();
    group('noun', 'what it is', [recorder('a', calls), recorder('b', calls)]).register(program, bind);
    await program.parseAsync(['noun', 'b', 'x', '--flag'], { from: 'user' });
    await program.parseAsync(['noun', 'a'], { from: 'user' });
    expect(calls).toEqual(['b(x) --flag', 'a()']);
    expect(program.commands.map((c) => c.name())).toEqual(['noun']);
    expect(program.commands[0]!.description()).toBe('what it is');
  });

  it('a top-level command registers on the program itself', async () => {
    const calls: string[] = [];
    const program = new Command().exitOverride();
    topLevel(recorder('solo', calls)).register(program, bind);
    await program.parseAsync(['solo', 'y'], { from: 'user' });
    expect(calls).toEqual(['solo(y)']);
  });
});

describe('parseOptions', () => {
  const schema = z.object({ bulkSize: z.coerce.number().int().min(1), status: z.preprocess(upper, z.enum(['ACTIVE', 'INACTIVE'])).optional() });

  it('gives the parsed values', () => {
    expect(parseOptions(schema, { bulkSize: '5', status: ' active ' })).toEqual({ bulkSize: 5, status: 'ACTIVE' });
  });

  it('refuses a bad value with a usage error naming the option as typed', () => {
    expect(() => parseOptions(schema, { bulkSize: '0' })).toThrow(UsageError);
    expect(() => parseOptions(schema, { bulkSize: '0' })).toThrow(/^--bulk-size: /);
  });
});

describe('collect', () => {
  it('gathers a repeated option in order', () => {
    expect(collect('b', collect('a', undefined))).toEqual(['a', 'b']);
  });
});

function io(): Io & { stdout: Capture; stderr: Capture } {
  return {
    stdout: new Capture(false),
    stderr: new Capture(false),
    stdin: Object.assign(Readable.from(['']), { isTTY: false }),
    env: { HOME: ROOT },
    cwd: ROOT,
  };
}

describe('run: exit codes and messages', () => {
  it('--version prints the version, exit 0', async () => {
    const x = io();
    expect(await run(['--version'], x)).toBe(0);
    expect(x.stdout.text).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('--help lists every command group, exit 0', async () => {
    const x = io();
    expect(await run(['--help'], x)).toBe(0);
    for (const name of ['init', 'doctor', 'users', 'set', 'job', 'codes', 'letters', 'mail', 'config', 'demo']) {
      expect(x.stdout.text).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    }
  });

  it('an unknown command is a usage error (exit 2) with a pointer to --help, its control characters shown', async () => {
    const x = io();
    expect(await run(['frob\u001b[2J'], x)).toBe(2);
    expect(x.stderr.text).toContain("unknown command 'frob\\x1b[2J'");
    expect(x.stderr.text).toContain('(run with --help for usage)');
    expect(x.stdout.text).toBe('');
  });

  it('a typed error is "error:" and "hint:" lines on stderr with its exit code: a missing store is 1', async () => {
    const x = io();
    expect(await run(['--db', '/nonexistent/alma-users/store.db', 'doctor'], x)).toBe(1);
    expect(x.stderr.text).toBe(
      'error: no store at /nonexistent/alma-users/store.db\nhint: create one with: alma-users init --admin YOUR_ID (or name another with --db PATH)\n',
    );
  });

  it('a bad option value is a usage error, exit 2, and nothing is created', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const x = io();
      expect(await run(['--db', path.join(dir, 'sub', 'store.db'), 'init', '--admin', ' '], x)).toBe(2);
      expect(x.stderr.text).toMatch(/^error: --admin: /);
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });
});
