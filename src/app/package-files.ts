import fs from 'node:fs';
import path from 'node:path';

/**
 * The folder of alma-users' own package.json, found from this file: src/app when run from
 * source (the tests), dist/src/app when built. Light on purpose: the version needs it at
 * every start-up.
 */
export function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the alma-users package folder');
    dir = up;
  }
  return dir;
}

export function packageVersion(): string {
  return (require(path.join(packageRoot(), 'package.json')) as { version: string }).version;
}

/** The User Notifications Letter shipped with the package: layouts and labels. */
export function builtInTemplatesDir(): string {
  return path.join(packageRoot(), 'templates');
}

/** The demo's sample files. */
export function fixturesDir(): string {
  return path.join(packageRoot(), 'fixtures');
}
