#!/usr/bin/env node
// Built-ins as `require` gives them: an ES import of node:fs would also load fs/promises,
// readline and the streams behind its lazy `promises` export (bundle-cli.mjs says more).
const builtin = process.getBuiltinModule ?? ((id) => import(id));
const module = await builtin('node:module');
const { existsSync } = await builtin('node:fs');
const { fileURLToPath } = await builtin('node:url');

// The language server lives long and parses the whole document after every keystroke. With
// its young generation capped at 16 MiB (Node lets it grow to 128), that garbage is collected
// young instead of piling up for full collections: measured on the 10,000-line benchmark, the
// p95 of diagnostics after a change falls from about 47 to 40 ms and of completion from 16 to
// 11 ms. V8 reads this flag only at start, so the process starts again with it (where Node can).
const LSP_FLAG = '--max-semi-space-size=16';
if (process.argv[2] === 'lsp' && typeof process.execve === 'function' && !process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) {
  process.execve(process.execPath, [process.execPath, ...process.execArgv, LSP_FLAG, ...process.argv.slice(1)], process.env);
}

// Node's on-disk compile cache makes every later start faster (Node >= 22.1); the bundle's
// own cache (code-cache.js) is kept in the same directory.
module.enableCompileCache?.();

// The single-file bundle loads much faster than the per-module build; fall back to the latter.
// Its code cache is per command, for the commands that run once and exit (a server's start is
// paid once).
const bundle = new URL('../dist/bundle/mailconf.cjs', import.meta.url);
let main;
let finished = () => {};
if (existsSync(bundle)) {
  const { loadBundle } = await import('./code-cache.js');
  const named = process.argv.slice(2).find((a) => !a.startsWith('-'));
  const cacheName = named === 'lsp' || named === 'run' ? null : ['parse', 'lint', 'fmt', 'explain'].includes(named) ? named : 'other';
  const loaded = loadBundle(fileURLToPath(bundle), cacheName);
  main = loaded.exports.main;
  finished = () => {
    // V8 tags a cache with the flags that differ from its defaults; the next run loads it with none changed.
    loaded.exports.restoreV8Defaults();
    loaded.save();
  };
} else {
  ({ main } = await import('../dist/index.js'));
}

main(process.argv, { tuneHeap: true, directOutput: true }).then(
  (code) => {
    process.exitCode = code;
    finished();
  },
  (err) => {
    process.stderr.write(`mailconf: internal error: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 2;
  },
);
