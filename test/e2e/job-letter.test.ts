import { afterEach, describe, expect, it } from 'vitest';
import { patrons, runJob, storeWithSet } from '../helpers/jobs.js';
import { startSmtp } from '../helpers/smtp.js';

/** The operator's "job completed" letter, through the outbox to a real SMTP server on 127.0.0.1. */

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup() {
  const s = await storeWithSet(patrons(3));
  cleanups.push(s.cleanup);
  const smtp = await startSmtp();
  cleanups.push(() => smtp.close());
  for (const [k, v] of [['institution.name', 'Example University Library'], ['institution.email', 'library@example.edu'], ['mail.smtp_url', smtp.url]]) {
    expect((await s.run(['config', 'set', k!, v!])).code).toBe(0);
  }
  return { s, smtp };
}

describe('the job letter to the operator', () => {
  it('arrives once when a job ends, with its summary and counters; again when its undo ends', async () => {
    const { s, smtp } = await setup();
    const job = await runJob(s, 'members', ['--add-role', 'license-viewer', '--name', 'licence renewal', '--yes']);
    expect(job.code).toBe(0);
    expect(job.stderr).toContain('job letter to admin@example.edu: sent');
    expect(smtp.messages).toHaveLength(1);
    const m = smtp.messages[0]!;
    expect(m.to).toEqual(['admin@example.edu']);
    expect(m.parsed.subject).toBe('Example University Library: job licence renewal - Completed Successfully');
    expect(m.parsed.text).toContain('Dear Ada Admin,');
    expect(m.parsed.text).toContain(`licence renewal (${job.json.id})`);
    expect(m.parsed.text).toContain('roles added: 3');
    expect(m.parsed.text).toContain('processed: 3');
    expect(m.parsed.html).toContain('roles added');
    // Sent once: nothing is left for mail retry, and the outbox shows it as the operator's.
    expect((await s.run(['mail', 'retry'])).code).toBe(0);
    expect(smtp.messages).toHaveLength(1);
    const listed = JSON.parse((await s.run(['--format', 'json', 'mail', 'list'])).stdout) as { primary_id: string; notification_type: string; status: string; job_id: string | null }[];
    expect(listed).toEqual([expect.objectContaining({ primary_id: 'admin', notification_type: 'JOB_COMPLETED', status: 'sent', job_id: null })]);
    // The job's own letter counters are not touched by it.
    expect(JSON.parse((await s.run(['--format', 'json', 'job', 'show', job.json.id])).stdout).counters.letters_sent).toBeUndefined();

    const undo = await s.run(['--format', 'json', 'job', 'undo', job.json.id, '--yes']);
    expect(undo.code).toBe(0);
    expect(smtp.messages).toHaveLength(2);
    expect(smtp.messages[1]!.parsed.text).toContain('changes reverted: 3');
  });

  it('none with --no-job-letter, with mail.job_letters off, or for a one-user edit; one for a purge', async () => {
    const { s, smtp } = await setup();
    expect((await runJob(s, 'members', ['--add-role', 'license-viewer', '--no-job-letter', '--yes'])).code).toBe(0);
    expect((await s.run(['users', 'edit', 'P00001', '--job-description', 'Shelver'])).code).toBe(0);
    expect((await s.run(['config', 'set', 'mail.job_letters', 'off'])).code).toBe(0);
    expect((await runJob(s, 'members', ['--remove-role', 'license-viewer', '--yes'])).code).toBe(0);
    expect((await s.run(['config', 'set', 'mail.job_letters', 'ON'])).code).toBe(0);
    expect((await s.run(['users', 'edit', 'admin', '--email', 'admin@example.edu'])).code).toBe(0);
    expect((await s.run(['config', 'set', 'mail.job_letters', 'maybe'])).code).toBe(2);
    expect(smtp.messages).toHaveLength(0);
    const purge = await s.run(['job', 'run', 'purge', '--set', 'members', '--yes']);
    expect(purge.code).toBe(0);
    expect(smtp.messages.map((m) => m.parsed.subject)).toEqual(['Example University Library: job purge of set members - Completed Successfully']);
    expect(smtp.messages[0]!.parsed.text).toContain('users purged: 3');
  });
});
