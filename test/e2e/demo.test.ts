import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BIN, cli, tempDir } from '../helpers/cli.js';

describe('demo', () => {
  // One run of the demo, read by the first two tests: it takes a few seconds.
  let demo: ReturnType<typeof cli> | undefined;
  const run = () => (demo ??= cli(['demo']));

  it('runs the main job end to end: import, set from fixtures/ids.txt, update-notify adding a role, the report', async () => {
    const r = await run();
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

  it('then converts a graduate to internal, and the next SIS file, which still lists them, leaves them alone', async () => {
    const r = await run();
    expect(r.code).toBe(0);
    for (const step of [
      '$ alma-users set create graduates --from-file fixtures/sis/graduates.txt',
      '$ alma-users job run update-notify --set graduates --convert-to internal --notify NOTIFY_PASSWORD_CHANGE --yes',
      '$ alma-users users sync fixtures/sis/demo-fall.xml --profile SIS',
      '$ alma-users users show s1000002',
    ]) expect(r.stderr).toContain(step);
    expect(r.stderr).toContain('0 created, 3 updated, 0 unchanged, 1 rejected');
    expect(r.stdout).toMatch(/demo-fall\.xml:\d+\ts1000002\tUser is not external/);
    // The graduate as the sync left them: internal, with the group the SIS no longer decides.
    expect(r.stdout).toMatch(/Primary ID\ts1000002\n[\s\S]*Account type\tINTERNAL\nUser group\tGRAD/);
  });

  it('sends nothing by SMTP even when the caller has ALMA_USERS_SMTP_URL set', async () => {
    // Port 9 on loopback: nothing listens; a demo that tried SMTP would fail its job.
    const r = await cli(['demo'], { env: { ALMA_USERS_SMTP_URL: 'smtp://127.0.0.1:9' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\.eml/);
  });
});

describe('a closed pipe', () => {
  it('ends quietly, exit 0, when the reader of stdout goes away (alma-users demo | head -c 1)', async () => {
    // The demo's temporary store goes under a folder of this test's own, which must be empty after.
    const tmp = tempDir();
    try {
      const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, 'demo'], {
          env: { PATH: process.env.PATH, HOME: tmp.dir, TMPDIR: tmp.dir },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        // Like `head -c 1`: read the first output, then close the pipe while the demo still writes.
        child.stdout.once('data', () => child.stdout.destroy());
        let err = '';
        child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
        child.on('error', reject);
        child.on('close', (c) => resolve({ code: c, stderr: err }));
      });
      expect(stderr).toContain('$ alma-users init');
      // Cut short by the closed pipe, not run to its end.
      expect(stderr).not.toContain('Done.');
      expect(stderr).not.toMatch(/EPIPE|error/i);
      expect(code).toBe(0);
      expect(fs.readdirSync(tmp.dir)).toEqual([]);
    } finally {
      tmp.cleanup();
    }
  });
});
