import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

/**
 * The build is CommonJS (package.json, tsconfig.json: Node 20 loads CommonJS modules several
 * times faster than ES modules, bench/README.md). TypeScript can emit a top-level await into
 * a CommonJS file without a word, and the file then fails only when it is run: every file it
 * builds from src, bench and scripts must compile as Node compiles a CommonJS module.
 */

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    return e.isDirectory() ? sources(rel) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

describe('the build', () => {
  it('compiles every module of src, bench and scripts as CommonJS', () => {
    const files = ['src', 'bench', 'scripts'].flatMap(sources);
    expect(files.length).toBeGreaterThan(200);
    const broken = files.filter((f) => {
      const built = path.join(ROOT, 'dist', f.replace(/\.ts$/, '.js'));
      try {
        vm.compileFunction(fs.readFileSync(built, 'utf8'), ['exports', 'require', 'module', '__filename', '__dirname'], { filename: built });
        return false;
      } catch {
        return true;
      }
    });
    expect(broken).toEqual([]);
  });

  it('copies the store migrations beside the module that reads them', () => {
    const sql = (dir: string) => fs.readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.sql')).sort();
    expect(sql('dist/src/store/migrations')).toEqual(sql('src/store/migrations'));
  });

  it('npm run bench -- --help prints the suites and runs none', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'bench', 'run.js'), '--help'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    for (const suite of ['import', 'startup', 'sets', 'letters', 'jobs', 'sync', 'alma']) expect(r.stdout).toMatch(new RegExp(`^  ${suite} `, 'm'));
  });
});
