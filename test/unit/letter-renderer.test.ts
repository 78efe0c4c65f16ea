import { describe, expect, it } from 'vitest';
import { CodeBook, DEFAULT_CODES, type CodeTable } from '../../src/domain/codes.js';
import { InputError, UsageError } from '../../src/domain/errors.js';
import { parseLabelFile } from '../../src/domain/letters/labels.js';
import { LetterRenderer } from '../../src/domain/letters/renderer.js';
import { userSchema, type User } from '../../src/domain/user.js';

const codes = new CodeBook(Object.entries(DEFAULT_CODES).flatMap(([table, seeds]) =>
  seeds.map(([code, description]) => ({ table: table as CodeTable, code, description, attrs: {} }))));

const HTML = '<p>{{ labels.greeting }}</p>\n{%- for line in labels.lines %}<p>{{ line }}</p>{% endfor %}\n<p>{{ institution.name }}</p>';
const TEXT = '{{ labels.greeting }}\n{% for line in labels.lines %}{{ line }}\n{% endfor %}';
const EN = JSON.stringify({
  common: { greeting: 'Dear {{ user.first_name }} {{ user.last_name }},' },
  types: {
    GENERAL_MESSAGE: { subject: '{{ institution.name }}: a message', lines: ['Your group: {{ user.user_group_description }}.'] },
    NOTIFY_PASSWORD_CHANGE: { subject: 'Your new password', lines: ['Password: {{ password }}'] },
  },
}, null, 2);

function renderer(over: { html?: string; en?: string; de?: string } = {}): LetterRenderer {
  const labels = new Map([['en', parseLabelFile(over.en ?? EN, '/t/labels/en.json', 'en')]]);
  if (over.de) labels.set('de', parseLabelFile(over.de, '/t/labels/de.json', 'de'));
  return new LetterRenderer({
    templatesDir: '/t', htmlFile: '/t/letter.html.liquid', htmlSource: over.html ?? HTML, textFile: '/t/letter.txt.liquid', textSource: TEXT,
    labels, defaultLanguage: 'en', codes,
    institution: { name: 'Example & Co Library', address: null, address_lines: [], email: null },
  });
}

const user: User = userSchema.parse({
  primary_id: '0042', first_name: '<b>Jo</b>', last_name: "O'Brien", user_group: 'GRAD', status: 'ACTIVE', account_type: 'INTERNAL',
  emails: [{ address: '0042@example.edu', preferred: true }],
});

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('LetterRenderer', () => {
  it('fills in the user, the code descriptions and the institution', () => {
    const l = renderer().render({ user, type: 'GENERAL_MESSAGE' });
    expect(l.subject).toBe('Example & Co Library: a message');
    expect(l.text).toContain(`Dear <b>Jo</b> O'Brien,`);
    expect(l.text).toContain('Your group: Graduate.');
    expect(l.language).toBe('en');
  });

  it('renders a label of letter-wide values (date, job, type) anew when one of them changes, for the same renderer', () => {
    const en = JSON.stringify({
      common: { greeting: 'Sent on {{ date }}{% if job_id %} by job {{ job_id }}{% endif %} ({{ type.code }})' },
      types: { GENERAL_MESSAGE: { subject: 'S', lines: [] }, NOTIFY_PASSWORD_CHANGE: { subject: 'P', lines: ['{{ password }}'] } },
    });
    const r = renderer({ en });
    const greeting = (input: { date: string; jobId?: string | null; type?: string }) =>
      r.render({ user, type: input.type ?? 'GENERAL_MESSAGE', jobId: input.jobId, date: input.date, ...(input.type ? { password: 'pw' } : {}) }).text.split('\n')[0];
    expect(greeting({ date: '2026-01-01', jobId: 'a' })).toBe('Sent on 2026-01-01 by job a (GENERAL_MESSAGE)');
    expect(greeting({ date: '2026-01-02', jobId: 'a' })).toBe('Sent on 2026-01-02 by job a (GENERAL_MESSAGE)');
    expect(greeting({ date: '2026-01-02', jobId: 'b' })).toBe('Sent on 2026-01-02 by job b (GENERAL_MESSAGE)');
    expect(greeting({ date: '2026-01-02', jobId: null })).toBe('Sent on 2026-01-02 (GENERAL_MESSAGE)');
    expect(greeting({ date: '2026-01-02', jobId: '' })).toBe('Sent on 2026-01-02 by job  (GENERAL_MESSAGE)');
    expect(greeting({ date: '2026-01-02', jobId: '', type: 'NOTIFY_PASSWORD_CHANGE' })).toBe('Sent on 2026-01-02 by job  (NOTIFY_PASSWORD_CHANGE)');
  });

  it('escapes values in the HTML part, and only there', () => {
    const l = renderer().render({ user, type: 'GENERAL_MESSAGE' });
    expect(l.html).toContain('Dear &lt;b&gt;Jo&lt;/b&gt; O&#39;Brien,');
    expect(l.html).toContain('<p>Example &amp; Co Library</p>');
    expect(l.html).not.toContain('<b>Jo</b>');
  });

  it('uses the language the user prefers, its base language, else the default', () => {
    const de = JSON.stringify({ common: { greeting: 'Guten Tag {{ user.first_name }},' }, types: {} });
    const r = renderer({ de });
    expect(r.render({ user: { ...user, preferred_language: 'de-CH' }, type: 'GENERAL_MESSAGE' }).text).toContain('Guten Tag <b>Jo</b>,');
    expect(r.render({ user: { ...user, preferred_language: 'fr' }, type: 'GENERAL_MESSAGE' }).language).toBe('en');
  });

  it('puts the password only where a password letter asks for it, and asks for one', () => {
    const r = renderer();
    expect(r.render({ user, type: 'NOTIFY_PASSWORD_CHANGE', password: 'Pw-123456' }).text).toContain('Password: Pw-123456');
    expect(thrown(() => r.render({ user, type: 'NOTIFY_PASSWORD_CHANGE' }))).toBeInstanceOf(UsageError);
    expect(thrown(() => r.render({ user, type: 'GENERAL_MESSAGE', password: 'x' }))).toBeInstanceOf(UsageError);
  });

  it('names the file and line of an unknown variable when the letter is loaded', () => {
    const en = EN.replace('Your group: {{ user.user_group_description }}.', 'Colour: {{ user.favourite_colour }}');
    const e = thrown(() => renderer({ en })) as InputError;
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toContain('unknown variable user.favourite_colour');
    expect(e.position).toEqual({ file: '/t/labels/en.json', line: EN.split('\n').findIndex((l) => l.includes('Your group')) + 1 });
  });

  it('names the layout line of an unknown variable in the layout', () => {
    const e = thrown(() => renderer({ html: `${HTML}\n<p>{{ library.name }}</p>` })) as InputError;
    expect(e.message).toContain('unknown variable library.name');
    expect(e.position).toEqual({ file: '/t/letter.html.liquid', line: 4 });
  });

  it('refuses the password in a subject', () => {
    const en = EN.replace('"Your new password"', '"Your new password: {{ password }}"');
    expect((thrown(() => renderer({ en })) as Error).message).toContain('the temporary password may appear only in the body');
  });

  it('refuses an unknown notification type with the valid ones', () => {
    const e = thrown(() => renderer().render({ user, type: 'NOPE' })) as UsageError;
    expect(e.message).toBe('unknown notification type NOPE');
  });

  it('reads a malformed label file as an error on its line', () => {
    const bad = '{\n  "types": {\n    "X": { "subject": "" }\n  }\n}';
    const e = thrown(() => parseLabelFile(bad, '/t/labels/en.json', 'en')) as InputError;
    expect(e.message).toContain('types.X.subject: Too small: expected string to have >=1 characters');
    expect(e.position).toEqual({ file: '/t/labels/en.json', line: 3 });
  });
});
