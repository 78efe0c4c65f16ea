import { collect, lazy, type CommandGroup } from '../command.js';

export const jobsCommands: CommandGroup = {
  register(program, bind) {
    const job = program.command('job').description('jobs: run update/notify on a set, follow, report, cancel, resume, undo');
    const run = async () => import('../handlers/jobs-run.js');
    const view = async () => import('../handlers/jobs-view.js');

    job
      .command('run <type>')
      .description('run a job on a set; the type is update-notify (Alma\'s Update/Notify Users)')
      .requiredOption('--set <name>', 'the set of users to work on')
      .option('--add-role <role[@scope]>', 'add a role, in a library scope if given (repeatable)', collect)
      .option('--remove-role <role[@scope]>', 'remove a role; without @scope, in every scope (repeatable)', collect)
      .option('--status <status>', 'active or inactive')
      .option('--user-group <code>', 'set the user group')
      .option('--job-category <code>', 'set the job category')
      .option('--job-description <text>', 'set the job description')
      .option('--campus <code>', 'set the campus')
      .option('--user-title <code>', 'set the title (Dr, Ms, ...)')
      .option('--cataloger-level <code>', 'set the cataloger level')
      .option('--expiry-date <date>', 'YYYY-MM-DD, or relative to today: +18m, +30d, +1y')
      .option('--purge-date <date>', 'YYYY-MM-DD, or relative to today: +18m, +30d, +1y')
      .option('--add-block <code[:note]>', 'add a block, with a note after a colon (repeatable)', collect)
      .option('--remove-block <code>', 'remove a block (repeatable)', collect)
      .option('--add-note <text>', 'add a note')
      .option('--note-type <type>', 'the type of the --add-note note (default GENERAL)')
      .option('--note-user-viewable', 'the --add-note note is shown to the user')
      .option('--add-statistic <code>', 'add a statistical category (repeatable)', collect)
      .option('--remove-statistic <code>', 'remove a statistical category (repeatable)', collect)
      .option('--add-rs-library <code>', 'add a resource-sharing library (repeatable)', collect)
      .option('--remove-rs-library <code>', 'remove a resource-sharing library (repeatable)', collect)
      .option('--convert-to <type>', 'internal or external account')
      .option('--external-id <profile>', 'with --convert-to external: the external system (e.g. SIS)')
      .option('--no-password-reset', 'with --convert-to internal: keep the password as it is')
      .option('--notify <type>', 'send the User Notifications Letter of this notification type')
      .option('--reason <text>', 'why: stored with the job and on every change it makes')
      .option('--name <text>', 'a name for the job, shown in job list')
      .option('--dry-run', 'change and send nothing: show what would change')
      .option('--preview-file <file.csv>', 'with --dry-run: write every user\'s planned change to a CSV file')
      .option('-y, --yes', 'do not ask for confirmation on a terminal')
      .option('--bulk-size <n>', 'users per transaction (default 2000; 200 when passwords are reset)')
      .addHelpText('after', `
Statuses: Completed Successfully, Completed with Warnings, Completed with Errors,
Completed with No Bulks, Failed, Aborted by User, Aborted by System.
Exit codes: 0 completed (successfully or no bulks), 3 with warnings or errors,
1 failed or aborted, 2 invalid parameters, 4 not permitted.

Examples:
  alma-users job run update-notify --set catalogers --add-role license-viewer --dry-run
  alma-users job run update-notify --set catalogers --add-role license-viewer@MAIN --expiry-date +18m --reason "Licence renewal" --yes
  alma-users job run update-notify --set new-staff --convert-to internal --notify NOTIFY_PASSWORD_CHANGE --yes`)
      .action(bind(lazy(async () => (await run()).runJob)));

    job
      .command('list')
      .description('jobs, newest first: id, name, set, operator, submitted, status, progress')
      .option('--running', 'only jobs that are pending or running')
      .option('--history', 'only jobs that have ended')
      .option('--limit <n>', 'at most N jobs (default 50)')
      .addHelpText('after', '\nExample:\n  alma-users job list --running')
      .action(bind(lazy(async () => (await view()).list)));

    job
      .command('show <id>')
      .description('a job\'s report: summary, counters, per-action counts, errors and warnings by reason')
      .addHelpText('after', '\nExample:\n  alma-users job show 4k2j9x0q7m1a --format json')
      .action(bind(lazy(async () => (await view()).show)));

    job
      .command('report <id>')
      .description('one line per user: primary_id, outcome, what changed, letter, reason')
      .addHelpText('after', '\nExample:\n  alma-users job report 4k2j9x0q7m1a --format csv > report.csv')
      .action(bind(lazy(async () => (await view()).report)));

    job
      .command('cancel <id>')
      .description('ask a running job to stop after the bulk in flight (it ends Aborted by User)')
      .addHelpText('after', '\nExample:\n  alma-users job cancel 4k2j9x0q7m1a')
      .action(bind(lazy(async () => (await run()).cancel)));

    job
      .command('resume <id>')
      .description('finish an aborted or failed job from its checkpoint: no bulk applied twice, no letter queued twice')
      .option('--bulk-size <n>', 'users per transaction')
      .addHelpText('after', '\nExample:\n  alma-users job resume 4k2j9x0q7m1a')
      .action(bind(lazy(async () => (await run()).resume)));

    job
      .command('abort <id>')
      .description('User Administrator: end a job whose process you know is dead (another host, a reused pid) as Aborted by System')
      .option('--force', 'required: you have checked that the process running the job is gone')
      .addHelpText('after', `
A job whose process died on this machine (kill -9, a crash, a reboot) is found by the next
command and marked Aborted by System on its own; abort is for what this machine cannot
see. A live job is refused: stop it with job cancel.

Example:
  alma-users job abort 4k2j9x0q7m1a --force`)
      .action(bind(lazy(async () => (await run()).abort)));

    job
      .command('undo <id>')
      .description('revert the changes a finished job made, from its audit trail; itself a job with a report')
      .option('--dry-run', 'change nothing: show what would be reverted and what conflicts')
      .option('--preview-file <file.csv>', 'with --dry-run: write every user\'s planned revert to a CSV file')
      .option('--force', 'revert also what was changed again since (conflicts)')
      .option('--reason <text>', 'why: stored with the undo job and on every change it makes')
      .option('-y, --yes', 'do not ask for confirmation on a terminal')
      .addHelpText('after', `
A field, role, block, note... changed again since the job (by a later job or otherwise)
is a conflict: left as it is unless --force; the job's other changes to that user are
still undone. Passwords are not restored, and letters cannot be unsent. A job that
stopped before it finished (aborted, failed) can be undone: the users it reached are
reverted, and it can no longer be resumed.

Example:
  alma-users job undo 4k2j9x0q7m1a --dry-run`)
      .action(bind(lazy(async () => (await run()).undo)));
  },
};
