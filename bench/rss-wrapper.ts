import fs from 'node:fs';
import path from 'node:path';

// Runs a node script (argv[2]) in this process and, at exit, records the process's peak
// RSS (kB) where the harness asked, so the real CLI is measured as a user runs it.
const out = process.env.BENCH_RSS_FILE;
process.on('exit', () => {
  if (out) fs.writeFileSync(out, String(process.resourceUsage().maxRSS));
});
const script = process.argv[2];
if (!script) throw new Error('usage: rss-wrapper SCRIPT [ARGS...]');
process.argv.splice(1, 1);
require(path.resolve(script));
