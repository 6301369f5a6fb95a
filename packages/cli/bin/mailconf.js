#!/usr/bin/env node
// Node's on-disk compile cache makes every later start faster (Node >= 22.1).
import module from 'node:module';
import { existsSync } from 'node:fs';

module.enableCompileCache?.();

// The single-file bundle loads much faster than the per-module build; fall back to the latter.
const bundle = new URL('../dist/bundle/mailconf.js', import.meta.url);
const { main } = await import(existsSync(bundle) ? bundle.href : '../dist/index.js');

main(process.argv, { tuneHeap: true, ignoreClosedPipe: true }).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`mailconf: internal error: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 2;
  },
);
