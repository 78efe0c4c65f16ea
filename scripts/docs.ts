// npm run docs: writes docs/reference.md and the man page alma-users.1 from the commander
// definitions (test/docs/reference.test.ts and man.test.ts fail when the committed files
// differ from this output).
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot, packageVersion } from '../src/app/package-files.js';
import { run } from '../src/cli/main.js';
import { manPage } from '../src/cli/man-page.js';
import { buildProgram } from '../src/cli/program.js';
import { commandReference } from '../src/cli/reference.js';

const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
const program = buildProgram(io, () => undefined, run);
const outputs: [string, string][] = [
  [path.join(packageRoot(), 'docs', 'reference.md'), commandReference(program)],
  [path.join(packageRoot(), 'alma-users.1'), manPage(program, packageVersion())],
];
for (const [file, text] of outputs) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  process.stdout.write(`wrote ${path.relative(process.cwd(), file) || file}\n`);
}
