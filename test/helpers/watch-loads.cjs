// Preloaded by watchLoads (cli.ts) into a CLI process: says `<package> loaded by <module>`
// on stderr whenever a module outside one of the packages named in WATCH_LOADS requires it.
const Module = require('node:module');

const watched = (process.env.WATCH_LOADS ?? '').split(',').filter(Boolean);
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const file = resolve.call(this, request, parent, ...rest);
  for (const p of watched) {
    const dir = `/node_modules/${p}/`;
    if (file.includes(dir) && !(parent?.filename ?? '').includes(dir)) process.stderr.write(`${p} loaded by ${parent?.filename}\n`);
  }
  return file;
};
