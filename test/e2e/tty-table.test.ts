import { describe, expect, it } from 'vitest';
import { ROOT, tempStores } from '../helpers/cli.js';
import { ptyRun, renderScreen } from '../helpers/pty.js';
import { textWidth } from '../../src/cli/table.js';

/**
 * Tables for people on a real pseudo-terminal (the built CLI; `npm run build` first): they
 * fit the terminal's width by cutting the widest columns with an ellipsis, never wrapping;
 * times are local to the second; an empty listing says what matched nothing on stderr.
 */

const store = tempStores();

async function imported() {
  const s = await store();
  const r = await s.run(['users', 'import', `${ROOT}fixtures/users.csv`]);
  expect(r.code).toBe(0);
  const env = { ALMA_USERS_DB: s.db, ALMA_USERS_OPERATOR: 'admin' };
  return { s, env };
}

/** The raw lines the program wrote (not the terminal's wrapping of them). */
function lines(output: string): string[] {
  return output.split('\n').filter((l) => l.length);
}

describe('users list on a terminal', () => {
  it.each([100, 200])('fits %i columns as a table: one screen line per user, IDs whole, free text cut with an ellipsis', async (cols) => {
    const { s, env } = await imported();
    const ids = (await s.run(['users', 'list'])).stdout.trim().split('\n').map((l) => l.split('\t')[0]!);
    const r = await ptyRun(['users', 'list'], { cols, env });
    expect(r.code).toBe(0);
    const drawn = lines(r.output);
    expect(Math.max(...drawn.map(textWidth))).toBeLessThanOrEqual(cols);
    // What the person sees is what was written: the terminal had nothing to wrap.
    expect(r.screen.split('\n').filter((l) => l.length)).toEqual(drawn.map((l) => l.trimEnd()));
    const row = (id: string) => drawn.filter((l) => l.startsWith(cols === 200 ? `│ ${id} ` : `${id} `));
    // Each user on one line, the primary ID whole (leading zeros kept).
    for (const id of ids) expect(row(id)).toHaveLength(1);
    if (cols === 200) {
      expect(drawn[0]).toMatch(/^┌─/);
      expect(drawn.at(-1)).toMatch(/^└─/);
      expect(drawn).toHaveLength(ids.length + 4);
      expect(r.output).not.toContain('…');
      expect(r.output).toContain('│ Job category │');
      expect(r.output).toContain('ada.lovelace@example.edu');
    } else {
      // Too wide framed: the headers go on two lines at their spaces, the frame goes, names
      // and addresses are cut; codes, dates and statuses are whole.
      expect(drawn[0]).toMatch(/^Primary +Name +Record +Account +User +Job +Status +Expiry +E-mail$/);
      expect(drawn[1]).toMatch(/^ID +type +group +category$/);
      expect(drawn[2]).toMatch(/^─+  ─+/);
      expect(drawn).toHaveLength(ids.length + 3);
      expect(row('0012345')[0]).toMatch(/^0012345 +Lovelace,… +STAFF +INTERNAL +STAFF +Cataloger +ACTIVE +2028-06-30 +ada\.lovel\S*…$/);
    }
  });

  it('shows each user as a record of its own on 60 columns, too narrow for the table, no line wider', async () => {
    const { env } = await imported();
    const r = await ptyRun(['users', 'list', '--limit', '2'], { cols: 60, env });
    expect(r.code).toBe(0);
    expect(Math.max(...lines(r.output).map(textWidth))).toBeLessThanOrEqual(60);
    expect(r.output).toContain('Primary ID    0012345\nName          Lovelace, Ada\n');
    expect(r.output).toContain('E-mail        ada.lovelace@example.edu\n\nPrimary ID    0012346\n');
    expect(r.screen).toBe(r.output.trimEnd());
  });

  it('says on stderr what matched nothing, draws no empty table, and exits 0', async () => {
    const { env } = await imported();
    const r = await ptyRun(['users', 'list', '--job-category', 'Cataloger', '--status', 'INACTIVE'], { cols: 100, env });
    expect(r.code).toBe(0);
    expect(r.output.trim()).toBe('no users match --job-category Cataloger --status INACTIVE');
  });
});

describe('times for people', () => {
  it('are local to the second on a terminal, UTC with --utc, and exact when piped', async () => {
    const { s, env } = await imported();
    await s.run(['set', 'create', 'staff', '--query', 'user_group = "STAFF"']);
    const tz = { ...env, TZ: 'Europe/Vienna' };
    const local = await ptyRun(['set', 'list'], { cols: 200, env: tz });
    const utc = await ptyRun(['--utc', 'set', 'list'], { cols: 200, env: tz });
    const piped = (await s.run(['set', 'list'])).stdout;
    const iso = /\d{4}-\d\d-\d\dT(\d\d):(\d\d):(\d\d)\.\d+Z/.exec(piped)!;
    expect(iso).not.toBeNull();
    const hour = (h: number) => String(h % 24).padStart(2, '0');
    const day = iso[0].slice(0, 10);
    expect(utc.output).toContain(`${day} ${iso[1]}:${iso[2]}:${iso[3]} UTC`);
    // Vienna is one or two hours ahead of UTC; the date may move on near midnight.
    expect(local.output).toMatch(new RegExp(`\\d{4}-\\d\\d-\\d\\d (${hour(+iso[1]! + 1)}|${hour(+iso[1]! + 2)}):${iso[2]}:${iso[3]} `));
    expect(local.output).not.toMatch(/T\d\d:\d\d:\d\d\.\d+Z/);
  });
});

describe('the screen helper', () => {
  it('renders overwrites, erases and the terminal\'s own wrapping', () => {
    expect(renderScreen('abc\rX\x1b[K\r\nlong', 3)).toBe('X\nlon\ng');
    expect(renderScreen('one\r\ntwo\x1b[1A\r\x1b[2Kfirst', 10)).toBe('first\ntwo');
  });
});
