import { afterEach, describe, expect, it } from 'vitest';
import { tempStore } from '../helpers/cli.js';
import { patrons } from '../helpers/jobs.js';
import { seedUsers } from '../helpers/seed.js';
import { startSmtp } from '../helpers/smtp.js';
import { sisXml } from '../helpers/sync.js';

/**
 * The operator's "job completed" letter at the end of Add Members to Set (set create
 * --from-file, set add-members) and of users sync, through a real SMTP server on 127.0.0.1.
 */

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup() {
  const s = await tempStore();
  cleanups.push(s.cleanup);
  seedUsers(s.db, patrons(3));
  const smtp = await startSmtp();
  cleanups.push(() => smtp.close());
  for (const [k, v] of [['institution.name', 'Example University Library'], ['institution.email', 'library@example.edu'], ['mail.smtp_url', smtp.url]]) {
    expect((await s.run(['config', 'set', k!, v!])).code).toBe(0);
  }
  const ids = s.file('ids.txt', 'User name\nP00001\nP00002\nNOBODY\n');
  const more = s.file('more.txt', 'P00002\nP00003\n');
  const sis = s.file('sis.xml', sisXml([{ id: 's1', first: 'Sam', last: 'Student', group: 'undergrad' }, { id: 's2', first: 'Sue', last: 'Student', group: 'GRAD' }]));
  return { s, smtp, ids, more, sis };
}

describe('the job letter at the end of a set load and of a sync', () => {
  it('goes once for set create --from-file, set add-members and users sync, with their counters', async () => {
    const { s, smtp, ids, more, sis } = await setup();
    const created = await s.run(['set', 'create', 'cohort', '--from-file', ids]);
    expect(created.code).toBe(3);
    expect(created.stderr).toContain('job letter to admin@example.edu: sent');
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.to).toEqual(['admin@example.edu']);
    expect(smtp.messages[0]!.parsed.subject).toBe('Example University Library: job Add Members to Set cohort - Completed with Warnings');
    for (const c of ['lines read: 3', 'added: 2', 'not found: 1', 'members now: 2']) expect(smtp.messages[0]!.parsed.text).toContain(c);

    // One line already in the set: Completed with Warnings, as Alma counts it.
    expect((await s.run(['set', 'add-members', 'cohort', '--from-file', more])).code).toBe(3);
    expect(smtp.messages).toHaveLength(2);
    for (const c of ['added: 1', 'already member: 1', 'members now: 3']) expect(smtp.messages[1]!.parsed.text).toContain(c);

    const synced = await s.run(['--format', 'json', 'users', 'sync', sis, '--profile', 'SIS']);
    expect(synced.code).toBe(0);
    const job = JSON.parse(synced.stdout).job as string;
    expect(smtp.messages).toHaveLength(3);
    expect(smtp.messages[2]!.parsed.subject).toBe('Example University Library: job sync SIS - Completed Successfully');
    expect(smtp.messages[2]!.parsed.text).toContain(`sync SIS (${job})`);
    for (const c of ['records: 2', 'created: 2']) expect(smtp.messages[2]!.parsed.text).toContain(c);

    // Nothing left over for mail retry; a dry run tells nothing.
    expect((await s.run(['mail', 'retry'])).code).toBe(0);
    expect((await s.run(['users', 'sync', sis, '--profile', 'SIS', '--dry-run'])).code).toBe(0);
    expect(smtp.messages).toHaveLength(3);
  });

  it('none with --no-job-letter, nor with mail.job_letters off', async () => {
    const { s, smtp, ids, more, sis } = await setup();
    expect((await s.run(['set', 'create', 'cohort', '--from-file', ids, '--no-job-letter'])).code).toBe(3);
    expect((await s.run(['set', 'add-members', 'cohort', '--from-file', more, '--no-job-letter'])).code).toBe(3);
    expect((await s.run(['users', 'sync', sis, '--profile', 'SIS', '--no-job-letter'])).code).toBe(0);
    expect((await s.run(['config', 'set', 'mail.job_letters', 'off'])).code).toBe(0);
    expect((await s.run(['set', 'create', 'second', '--from-file', ids])).code).toBe(3);
    expect((await s.run(['set', 'add-members', 'second', '--from-file', more])).code).toBe(3);
    expect((await s.run(['users', 'sync', sis, '--profile', 'SIS'])).code).toBe(0);
    expect(smtp.messages).toHaveLength(0);
    expect(JSON.parse((await s.run(['--format', 'json', 'mail', 'list'])).stdout)).toEqual([]);
  });
});
