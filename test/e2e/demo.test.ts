import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, cli } from '../helpers/cli.js';

describe('demo', () => {
  it('runs the main job end to end: import, set from fixtures/ids.txt, update-notify adding a role, the report', async () => {
    const r = await cli(['demo']);
    expect(r.code).toBe(0);
    for (const step of [
      '$ alma-users users import fixtures/users.csv',
      '$ alma-users set create catalogers --from-file fixtures/ids.txt',
      '$ alma-users job run update-notify --set catalogers --add-role license-viewer --dry-run',
      '$ alma-users job run update-notify --set catalogers --add-role license-viewer --notify GENERAL_MESSAGE',
      '$ alma-users job report',
    ]) expect(r.stderr).toContain(step);
    expect(r.stdout).toContain('Completed with Warnings');
    // Every cataloger of fixtures/ids.txt got the role; the one without e-mail got a warning, not a failure.
    for (const id of ['0012345', '0012346', '0012347', '0012350', '0012351']) {
      expect(r.stdout).toMatch(new RegExp(`^${id}\\tchanged\\troles \\+license-viewer`, 'm'));
    }
    expect(r.stdout).toContain('no e-mail address');
    expect(r.stderr).not.toContain('demo stopped');
  });

  it('sends nothing by SMTP even when the caller has ALMA_USERS_SMTP_URL set', async () => {
    // Port 9 on loopback: nothing listens; a demo that tried SMTP would fail its job.
    const r = await cli(['demo'], { env: { ALMA_USERS_SMTP_URL: 'smtp://127.0.0.1:9' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\.eml/);
  });
});

describe('a closed pipe', () => {
  it('ends quietly when the reader of stdout goes away (alma-users codes list | head -1)', async () => {
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn('sh', ['-c', `"${process.execPath}" "${BIN}" demo --keep 2>/dev/null | head -c 1 >/dev/null; echo $? >&2`]);
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      child.on('close', (c) => resolve({ code: c, stderr: err }));
    });
    expect(code).toBe(0);
    expect(stderr).not.toContain('EPIPE');
  });
});
