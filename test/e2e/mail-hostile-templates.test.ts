import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempStores } from '../helpers/cli.js';

const store = tempStores();

/** Labels and templates are the library's own files, but a bad one must fail fast and say where, never hang the job. */
describe('letter templates under their limits', () => {
  it('refuses a label whose nested loops would run for ever: exit 2, naming the label, in well under the time a hang takes', async () => {
    const s = await store();
    const loops = '{% for a in (1..100000) %}{% for b in (1..100000) %}{% for c in (1..100000) %}x{% endfor %}{% endfor %}{% endfor %}';
    const r = await s.run(['letters', 'add-type', 'LOOPS', '--subject', 'Loops', '--line', loops]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/LOOPS/);
    expect(r.stderr).toMatch(/limit/i);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack
    const types = JSON.parse((await s.run(['letters', 'types', '--format', 'json'])).stdout) as { code: string }[];
    expect(types.map((t) => t.code)).not.toContain('LOOPS');
  });

  it('includes only files of the templates folder: an absolute path or a climb out is exit 2 with a sentence', async () => {
    const s = await store();
    for (const include of ["{% include '/etc/passwd' %}", "{% include '../../../../etc/passwd' %}", "{% render '/etc/hostname' %}"]) {
      const r = await s.run(['letters', 'add-type', 'INC', '--subject', 'Inc', '--line', include]);
      expect(r.code, include).toBe(2);
      expect(r.stderr, include).toMatch(/templates folder/);
      expect(r.stdout + r.stderr).not.toMatch(/root:x:0/);
    }
  });

  it('refuses a layout in a copied templates folder that includes a file outside it, naming the layout', async () => {
    const s = await store();
    const dir = path.join(s.dir, 'templates');
    fs.cpSync(path.resolve('templates'), dir, { recursive: true });
    fs.appendFileSync(path.join(dir, 'letter.txt.liquid'), "\n{% include '/etc/passwd' %}\n");
    expect((await s.run(['config', 'set', 'letters.templates_dir', dir])).code).toBe(0);
    const r = await s.run(['letters', 'preview', '--type', 'GENERAL_MESSAGE', '--user', 'admin', '--text']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('letter.txt.liquid');
    expect(r.stderr).toMatch(/templates folder/);
  });
});
