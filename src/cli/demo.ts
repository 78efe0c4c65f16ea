import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixturesDir } from '../app/package-files.js';
import { shellWord } from '../domain/shell.js';
import type { CommandResult } from './command.js';
import type { Context, Io, Runner } from './context.js';
import { EXIT, type ExitCode } from './exit-codes.js';

const ADMIN = 'demo-admin';
const REASON = 'Catalogers need License Viewer for the new e-resources workflow';

/**
 * The demo: the main job end to end on a temporary store, then a graduation and the next
 * SIS load, through the real command runner (ctx.runner), each step shown as the
 * `$ alma-users ...` line a librarian would type.
 */
export async function demo(ctx: Context, keep: boolean): Promise<CommandResult> {
  const run = ctx.runner;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alma-users-demo-'));
  const db = path.join(dir, 'demo.db');
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  // A demo whose reader goes away (`alma-users demo | head`) ends in main.ts's process.exit,
  // past the finally below: its temporary store goes then.
  if (!keep) process.once('exit', remove);
  // The demo's letters go to .eml files beside its store, whatever the caller's mail settings.
  const env = { ...ctx.io.env, ALMA_USERS_DB: db, ALMA_USERS_OPERATOR: ADMIN, ALMA_USERS_SMTP_URL: undefined };
  const io: Io = { ...ctx.io, env };

  const step = async (args: string[], ok: ExitCode[] = [EXIT.ok]): Promise<boolean> => {
    ctx.info(`\n$ alma-users ${args.map(quote).join(' ')}`);
    const code = await run(args, io);
    if (ok.includes(code)) return true;
    ctx.info(`demo stopped: that step exited with ${code}`);
    return false;
  };

  try {
    const job = ['job', 'run', 'update-notify', '--set', 'catalogers', '--add-role', 'license-viewer'];
    const ok =
      (await step(['init', '--admin', ADMIN, '--first-name', 'Demo', '--last-name', 'Administrator', '--email', 'demo-admin@example.edu'])) &&
      (await step(['users', 'import', path.join(fixturesDir(), 'users.csv')])) &&
      (await step(['set', 'create', 'catalogers', '--from-file', path.join(fixturesDir(), 'ids.txt'), '--description', 'Catalogers to get License Viewer'])) &&
      (await step([...job, '--dry-run'])) &&
      // One cataloger has no e-mail address: the job completes with that warning (exit 3).
      (await step([...job, '--notify', 'GENERAL_MESSAGE', '--reason', REASON, '--yes'], [EXIT.ok, EXIT.partial]));
    if (!ok) return { exit: EXIT.failure };

    const id = await lastJobId(run, io);
    if (!(await step(['job', 'report', id])) || !(await step(['mail', 'list', '--job', id]))) return { exit: EXIT.failure };

    // Graduation: a student converted to internal keeps the library account, and the next
    // SIS load, which still lists them, leaves them alone ("User is not external", exit 3).
    const sis = path.join(fixturesDir(), 'sis');
    const graduated =
      (await step(['set', 'create', 'graduates', '--from-file', path.join(sis, 'graduates.txt'), '--description', 'Graduates who keep their library account'])) &&
      (await step(['job', 'run', 'update-notify', '--set', 'graduates', '--convert-to', 'internal', '--notify', 'NOTIFY_PASSWORD_CHANGE', '--yes'])) &&
      (await step(['users', 'sync', path.join(sis, 'demo-fall.xml'), '--profile', 'SIS'], [EXIT.partial])) &&
      (await step(['users', 'show', 's1000002']));
    if (!graduated) return { exit: EXIT.failure };

    ctx.info(
      keep
        ? `\nThe demo store is kept at ${db}; its letters are .eml files in ${db.replace(/\.db$/, '.outbox')}`
        : '\nDone. To look around the demo store and open its letters: alma-users demo --keep',
    );
    return {};
  } finally {
    if (!keep) {
      process.off('exit', remove);
      remove();
    }
  }
}

/** The id of the job just run, read as a script would: `job list --format json`. */
async function lastJobId(run: Runner, io: Io): Promise<string> {
  let json = '';
  const code = await run(['--format', 'json', 'job', 'list', '--limit', '1'], { ...io, stdout: { write: (s: string) => (json += s) } });
  const jobs = JSON.parse(json) as { id: string }[];
  if (code !== EXIT.ok || !jobs[0]) throw new Error('the demo job is missing from job list');
  return jobs[0].id;
}

function quote(arg: string): string {
  const fixtures = fixturesDir();
  const shown = arg.startsWith(fixtures) ? path.join('fixtures', path.relative(fixtures, arg)) : arg;
  return shellWord(shown);
}
