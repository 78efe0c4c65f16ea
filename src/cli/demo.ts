import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Handler } from './command.js';
import { EXIT } from './exit-codes.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/', import.meta.url));
const ADMIN = 'demo-admin';

/** The demo's command lines: the same commands a librarian types, against a temporary store. */
function steps(): string[][] {
  return [
    ['init', '--admin', ADMIN, '--first-name', 'Demo', '--last-name', 'Administrator', '--email', 'demo-admin@example.edu'],
    ['users', 'import', path.join(FIXTURES, 'users.csv')],
    ['users', 'list'],
  ];
}

/**
 * Runs each step through the real command runner and shows it as `$ alma-users ...`, so
 * the demo doubles as a tour of the commands.
 */
export const demo: Handler = async (ctx, _args, opts) => {
  const keep = opts.keep === true;
  const { run } = await import('./main.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alma-users-demo-'));
  const db = path.join(dir, 'demo.db');
  try {
    for (const step of steps()) {
      ctx.info(`\n$ alma-users ${step.map(quote).join(' ')}`);
      const code = await run(['--db', db, '--operator', ADMIN, ...step], ctx.io);
      if (code !== EXIT.ok && code !== EXIT.partial) {
        ctx.info(`demo stopped: that step exited with ${code}`);
        return { exit: EXIT.failure };
      }
    }
    ctx.info(keep ? `\nThe demo store is kept at ${db}` : '\nDone. Keep the demo store for a look around with: alma-users demo --keep');
    return {};
  } finally {
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

function quote(arg: string): string {
  const shown = arg.startsWith(FIXTURES) ? path.join('fixtures', path.relative(FIXTURES, arg)) : arg;
  return /^[\w@%+=:,./-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, `'\\''`)}'`;
}
