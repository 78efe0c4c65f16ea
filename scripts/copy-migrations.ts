// Part of `npm run build`: the store's migrations are SQL files (src/store/migrations/index.ts
// says why), which tsc does not copy; they go beside the compiled module that reads them.
import fs from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');
const from = path.join(root, 'src', 'store', 'migrations');
const to = path.join(root, 'dist', 'src', 'store', 'migrations');
fs.mkdirSync(to, { recursive: true });
for (const f of fs.readdirSync(from)) if (f.endsWith('.sql')) fs.copyFileSync(path.join(from, f), path.join(to, f));
