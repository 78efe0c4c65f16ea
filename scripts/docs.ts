// npm run docs: writes docs/reference.md from the commander definitions
// (test/docs/reference.test.ts fails when the committed file differs from this output).
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../src/app/package-files.js';
import { run } from '../src/cli/main.js';
import { buildProgram } from '../src/cli/program.js';
import { commandReference } from '../src/cli/reference.js';

const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
const file = path.join(packageRoot(), 'docs', 'reference.md');
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, commandReference(buildProgram(io, () => undefined, run)));
process.stdout.write(`wrote ${path.relative(process.cwd(), file) || file}\n`);
