import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchor } from '../../src/cli/reference.js';
import { ROOT } from '../helpers/cli.js';

/** The documentation a reader follows from the README. */
const PAGES = [
  'README.md',
  'CHANGELOG.md',
  'bench/README.md',
  ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
];

/** Markdown without its code blocks, whose text is an example, not a link or a heading. */
const prose = (text: string) => text.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1$/gm, '');

/** The anchors of a page's headings, as GitHub makes them. */
function anchors(file: string): Set<string> {
  const headings = [...prose(fs.readFileSync(path.join(ROOT, file), 'utf8')).matchAll(/^#{1,6} (.+)$/gm)];
  return new Set(headings.map((m) => anchor(m[1]!.replace(/`/g, ''))));
}

describe('links between the docs', () => {
  it.each(PAGES)('%s: every relative link reaches a file, and a heading when it names one', (page) => {
    const text = prose(fs.readFileSync(path.join(ROOT, page), 'utf8'));
    const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/.test(l));
    const broken = links.filter((link) => {
      const [file, hash] = link.split('#') as [string, string | undefined];
      const target = file ? path.normalize(path.join(path.dirname(page), file)) : page;
      if (!fs.existsSync(path.join(ROOT, target))) return true;
      return hash !== undefined && target.endsWith('.md') && !anchors(target).has(hash);
    });
    expect(broken).toEqual([]);
  });

  it('tells a heading that exists from one that does not', () => {
    expect(anchors('README.md').has('recipes')).toBe(true);
    expect(anchors('README.md').has('no-such-heading')).toBe(false);
  });
});
