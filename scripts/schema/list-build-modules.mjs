#!/usr/bin/env node
/**
 * Lists the modules compiled into nginx binaries (the executable and dynamic `.so` modules):
 * every NUL-terminated `ngx_*_module` string, which includes the `ngx_module_names` table.
 * Used to write the module list of a build profile (packages/schema/src/data/builds.ts).
 *
 * Usage: node scripts/schema/list-build-modules.mjs /usr/sbin/nginx /usr/lib/nginx/modules/ngx_mail_module.so ...
 */
import { readFileSync } from 'node:fs';

const names = new Set();
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file).toString('latin1');
  for (const m of text.matchAll(/(?<=\0)ngx_[a-z0-9_]+_module(?=\0)/g)) names.add(m[0]);
}
// Bookkeeping symbols that are not modules.
for (const n of ['ngx_max_module', 'ngx_add_module', 'ngx_http_max_module', 'ngx_mail_max_module', 'ngx_stream_max_module']) {
  names.delete(n);
}
console.log(JSON.stringify([...names].sort(), null, 2));
