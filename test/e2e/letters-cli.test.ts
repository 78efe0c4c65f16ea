import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempStores } from '../helpers/cli.js';
import { patron, seedUsers } from '../helpers/seed.js';

const store = tempStores();

describe('letters types', () => {
  it('lists the notification types, which one carries a password, and the languages with labels', async () => {
    const s = await store();
    const r = await s.run(['letters', 'types', '--format', 'json']);
    expect(r.code).toBe(0);
    const types = JSON.parse(r.stdout);
    expect(types).toEqual(expect.arrayContaining([
      expect.objectContaining({ code: 'NOTIFY_PASSWORD_CHANGE', carries_password: true, languages: ['en', 'de'], labels: 'ok' }),
      expect.objectContaining({ code: 'GENERAL_MESSAGE', carries_password: false, labels: 'ok' }),
    ]));
  });
});

describe('letters preview', () => {
  it('renders the real user in their language, with a sample in place of the password', async () => {
    const s = await store();
    seedUsers(s.db, [patron('0042', { first_name: 'Jürgen', last_name: 'Müller', preferred_language: 'de', user_group: 'GRAD' })]);
    await s.run(['config', 'set', 'institution.name', 'Example University Library']);
    const r = await s.run(['letters', 'preview', '--type', 'NOTIFY_PASSWORD_CHANGE', '--user', '0042', '--text']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Guten Tag Jürgen Müller,');
    expect(r.stdout).toContain('Ihr vorläufiges Passwort: Xy3…(sample)');
    expect(r.stdout).toContain('Benutzergruppe: Graduate');
    expect(r.stderr).toContain('is a sample');
    const j = JSON.parse((await s.run(['letters', 'preview', '--type', 'NOTIFY_PASSWORD_CHANGE', '--user', '0042', '--format', 'json'])).stdout);
    expect(j).toMatchObject({ to: '0042@example.edu', language: 'de', subject: 'Example University Library: Ihr neues vorläufiges Passwort' });
  });

  it('escapes a name that is HTML in the HTML part, and keeps it as typed in the text part', async () => {
    const s = await store();
    seedUsers(s.db, [patron('x1', { first_name: '<script>alert(1)</script>', last_name: 'O\'Brien & Co' })]);
    const file = path.join(s.dir, 'letter.html');
    const r = await s.run(['letters', 'preview', '--type', 'GENERAL_MESSAGE', '--user', 'x1', '--html', file]);
    expect(r.code).toBe(0);
    const html = fs.readFileSync(file, 'utf8');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; O&#39;Brien &amp; Co');
    expect(html).not.toContain('<script>');
    const text = (await s.run(['letters', 'preview', '--type', 'GENERAL_MESSAGE', '--user', 'x1', '--text'])).stdout;
    expect(text).toContain("Dear <script>alert(1)</script> O'Brien & Co,");
  });

  it('refuses an unknown type with the valid ones, and an unknown user (exit 2)', async () => {
    const s = await store();
    const t = await s.run(['letters', 'preview', '--type', 'PASSWORD', '--user', 'admin']);
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('unknown notification type PASSWORD');
    expect(t.stderr).toContain('GENERAL_MESSAGE, NOTIFY_PASSWORD_CHANGE');
    const u = await s.run(['letters', 'preview', '--type', 'GENERAL_MESSAGE', '--user', 'nobody']);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('no user nobody');
  });

  it('warns that a user without an e-mail address would get no letter', async () => {
    const s = await store();
    seedUsers(s.db, [patron('noemail', { emails: [] })]);
    const r = await s.run(['letters', 'preview', '--type', 'GENERAL_MESSAGE', '--user', 'noemail']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: user noemail has no e-mail address');
  });
});

describe('letters add-type', () => {
  it('adds a type and its label, which a letter then uses', async () => {
    const s = await store();
    const r = await s.run(['letters', 'add-type', 'LIBRARY_MOVE', '--subject', '{{ institution.name }}: we are moving',
      '--line', 'From 1 March we are at the new building, {{ user.name }}.', '--line', 'Your account stays as it is.']);
    expect(r.code).toBe(0);
    const types = JSON.parse((await s.run(['letters', 'types', '--format', 'json'])).stdout);
    expect(types).toContainEqual(expect.objectContaining({ code: 'LIBRARY_MOVE', carries_password: false, languages: ['en'], labels: 'ok' }));
    const p = await s.run(['letters', 'preview', '--type', 'LIBRARY_MOVE', '--user', 'admin', '--text']);
    expect(p.stdout).toContain('From 1 March we are at the new building, Ada Admin.');
    expect(p.stdout).toContain('Your account stays as it is.');
  });

  it('refuses a label that uses an unknown variable, and keeps nothing of it', async () => {
    const s = await store();
    const r = await s.run(['letters', 'add-type', 'PICKUP', '--subject', 'Hello {{ user.nickname }}']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('label PICKUP/en in the store');
    expect(r.stderr).toContain('unknown variable user.nickname');
    const types = JSON.parse((await s.run(['letters', 'types', '--format', 'json'])).stdout);
    expect(types.map((t: { code: string }) => t.code)).not.toContain('PICKUP');
  });

  it('refuses the password in a subject, which would outlive the letter in the store', async () => {
    const s = await store();
    const r = await s.run(['letters', 'add-type', 'PW', '--subject', 'Your password is {{ password }}']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the temporary password may appear only in the body of a NOTIFY_PASSWORD_CHANGE letter');
  });

  it('is for User Administrators only (exit 4)', async () => {
    const s = await store();
    seedUsers(s.db, [patron('mgr', { record_type: 'STAFF', roles: [{ role: 'user-manager', status: 'ACTIVE' }] })]);
    const r = await s.run(['--operator', 'mgr', 'letters', 'add-type', 'X', '--subject', 'x']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('needs the User Administrator role');
  });
});

describe('template errors name the file and the line', () => {
  async function withTemplates(edit: (dir: string) => void) {
    const s = await store();
    const dir = path.join(s.dir, 'templates');
    fs.cpSync(path.join(ROOT, 'templates'), dir, { recursive: true });
    edit(dir);
    expect((await s.run(['config', 'set', 'letters.templates_dir', dir])).code).toBe(0);
    return { s, dir, preview: () => s.run(['letters', 'preview', '--type', 'GENERAL_MESSAGE', '--user', 'admin']) };
  }

  function lineOf(file: string, needle: string): number {
    return fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;
  }

  it('a syntax error in the HTML layout', async () => {
    const { dir, preview } = await withTemplates((d) => {
      const f = path.join(d, 'letter.html.liquid');
      // The {% if %} around the expiry date loses its {% endif %}.
      const text = fs.readFileSync(f, 'utf8');
      const at = text.indexOf('{%- endif %}', text.indexOf('{%- if user.expiry_date %}'));
      fs.writeFileSync(f, text.slice(0, at) + text.slice(at + '{%- endif %}'.length));
    });
    const r = await preview();
    expect(r.code).toBe(2);
    const line = lineOf(path.join(dir, 'letter.html.liquid'), '{%- if user.expiry_date %}');
    expect(r.stderr).toContain(`${path.join(dir, 'letter.html.liquid')}:${line}: tag {%- if user.expiry_date %} not closed`);
  });

  it('an unknown variable in a translation, even one no letter has used yet', async () => {
    const { dir, preview } = await withTemplates((d) => {
      const f = path.join(d, 'labels', 'de.json');
      fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('"Mit freundlichen Grüßen"', '"Grüße an {{ user.favourite_colour }}"'));
    });
    const r = await preview();
    expect(r.code).toBe(2);
    const file = path.join(dir, 'labels', 'de.json');
    expect(r.stderr).toContain(`${file}:${lineOf(file, 'favourite_colour')}: unknown variable user.favourite_colour`);
    expect(r.stderr).toContain('user has: primary_id');
  });

  it('a label the layout uses but the default language lacks', async () => {
    const { dir, preview } = await withTemplates((d) => {
      const f = path.join(d, 'labels', 'en.json');
      fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace(/\n\s*"closing": "Kind regards,",/, ''));
    });
    const r = await preview();
    expect(r.code).toBe(2);
    const layout = path.join(dir, 'letter.html.liquid');
    expect(r.stderr).toContain(`${path.join(dir, 'labels', 'en.json')}: missing label common.closing (used at ${layout}:${lineOf(layout, 'labels.closing')})`);
  });

  it('a label file that is not JSON', async () => {
    const { dir, preview } = await withTemplates((d) => {
      const f = path.join(d, 'labels', 'en.json');
      fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('"Your library account",', '"Your library account"'));
    });
    const r = await preview();
    expect(r.code).toBe(2);
    const file = path.join(dir, 'labels', 'en.json');
    expect(r.stderr).toContain(`${file}:${lineOf(file, '"primary_id": "User ID"')}: not valid JSON`);
  });
});
