import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { actionOptions, optionKey, optionName, UPDATE_NOTIFY_ACTIONS } from '../../src/domain/jobs/action-table.js';
import { storedParams } from '../../src/domain/jobs/params.js';
import { buildProgram } from '../../src/cli/program.js';

function jobRun(): Command {
  const program = buildProgram({ stdout: { write: () => true }, stderr: { write: () => true }, stdin: process.stdin, env: {}, cwd: '.' }, () => {}, async () => 0);
  return program.commands.find((c) => c.name() === 'job')!.commands.find((c) => c.name() === 'run')!;
}

describe('the update/notify action table', () => {
  it('gives `job run` one option per entry and modifier, in table order, with its help and repeatability', () => {
    // The options `job run` has of its own, not from the table (purge's --due, the job letter's...).
    const own = ['--set', '--due', '--reason', '--name', '--dry-run', '--preview-file', '--yes', '--no-job-letter', '--bulk-size'];
    const all = jobRun().options;
    expect(own.filter((long) => !all.some((o) => o.long === long))).toEqual([]);
    const options = all.filter((o) => !own.includes(o.long!));
    expect(options.map((o) => o.flags)).toEqual(actionOptions().map((o) => o.flags));
    for (const o of actionOptions()) {
      const opt = options.find((c) => c.flags === o.flags)!;
      expect(opt.description).toBe(o.help);
      expect(opt.attributeName()).toBe(optionKey(optionName(o.flags)));
      // A repeatable option collects its values.
      expect(opt.variadic || opt.parseArg !== undefined).toBe(o.repeatable === true);
    }
  });

  it('gives every action a counter of its own, and every entry parameters of its own', () => {
    const counted = UPDATE_NOTIFY_ACTIONS.filter((e) => e.counter);
    expect(counted).toHaveLength(UPDATE_NOTIFY_ACTIONS.length - 1); // the letter is counted by the planner
    expect(new Set(counted.map((e) => e.counter)).size).toBe(counted.length);
    const keys = UPDATE_NOTIFY_ACTIONS.flatMap((e) => Object.keys(e.empty));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('builds no action from an entry that was not given', () => {
    const empty = storedParams('{}');
    for (const e of UPDATE_NOTIFY_ACTIONS) expect(e.build(empty as never)).toEqual([]);
  });

  it('names options as commander does', () => {
    expect(optionName('--add-role <role[@scope]>')).toBe('--add-role');
    expect(optionKey('--add-rs-library')).toBe('addRsLibrary');
    expect(optionKey('--no-password-reset')).toBe('passwordReset');
  });
});
