/**
 * Bundles the mailconf command into one CommonJS file (packages/cli/dist/bundle/mailconf.cjs).
 * Loading one file instead of a hundred modules is most of what makes a short `mailconf`
 * run fast; the per-package dist/ folders stay for library users. nginx's directive docs
 * (@nginx/reference-lib, 1.7 MB) stay external and are loaded only when docs are asked for.
 *
 * A script rather than ES modules because bin/mailconf.js compiles it with V8's code cache
 * made *after* a run (bin/code-cache.js), which only a script can have. Each command's modules
 * still run only when that command runs (esbuild wraps what is imported on demand).
 */
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = (name) => path.join(root, 'packages', name, 'src', 'index.ts');

/**
 * How the bundle reaches Node's built-in modules, which is a tenth of a short run's start:
 * - An ES `import` of a built-in makes Node build its ES module facade, which reads every
 *   export, lazy getters included: `import * as fs from 'node:fs'` loads fs/promises, readline
 *   and the stream modules behind `fs.promises` (2.4 ms). The bundle takes each built-in as
 *   `require` would (process.getBuiltinModule), with no facade.
 * - commander imports node:child_process (for executable subcommands, which mailconf has none
 *   of) and node:util (to measure help text), each loading dozens of internal modules (3–4 ms).
 *   Inside commander those two load on first call instead.
 * Measured on an empty-file lint, side by side: 47 → 43 ms for commander's, and the facades below.
 */
const builtins = {
  name: 'builtins',
  setup(build) {
    const lazyInCommander = {
      'node:child_process': "export default { spawn: (...a) => builtin('node:child_process').spawn(...a) };",
      'node:util': "export const stripVTControlCharacters = (s) => builtin('node:util').stripVTControlCharacters(s);",
    };
    // process.getBuiltinModule is Node >= 22.3; the banner's `require` serves older ones.
    const builtin = "const builtin = (id) => (process.getBuiltinModule ? process.getBuiltinModule(id) : require(id));";
    build.onResolve({ filter: /^node:/ }, (args) => {
      if (/[\\/]commander[\\/]/.test(args.importer) && lazyInCommander[args.path]) return { path: args.path, namespace: 'lazy-builtin' };
      return { path: args.path, namespace: 'builtin' };
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({ contents: `${builtin}\n${lazyInCommander[args.path]}`, loader: 'js' }));
    build.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({ contents: `${builtin}\nmodule.exports = builtin(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

/**
 * JSON data as `JSON.parse('...')` rather than as an object literal: V8 reads JSON text faster
 * than it compiles and runs a literal of the same size (the command tables are 200 KB).
 */
const jsonParsed = {
  name: 'json-parsed',
  setup(build) {
    build.onLoad({ filter: /\.json$/ }, (args) => {
      const text = JSON.stringify(JSON.parse(fs.readFileSync(args.path, 'utf8')));
      return { contents: `export default JSON.parse(${JSON.stringify(text)});`, loader: 'js' };
    });
  },
};

// Clear earlier outputs (earlier builds wrote ES module chunks here).
fs.rmSync(path.join(root, 'packages/cli/dist/bundle'), { recursive: true, force: true });

await esbuild.build({
  entryPoints: [path.join(root, 'packages/cli/src/index.ts')],
  outfile: path.join(root, 'packages/cli/dist/bundle/mailconf.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  sourcemap: true,
  external: ['@nginx/reference-lib', 'editorconfig', 'vscode-languageserver', 'vscode-languageserver/*', 'vscode-languageserver-textdocument'],
  alias: Object.fromEntries(['syntax', 'schema', 'checker', 'format', 'runtime', 'lsp'].map((n) => [`@mailconf/${n}`, pkg(n)])),
  // The modules that ask where they are (import.meta.url) get the bundle's own address.
  define: { 'import.meta.url': '__mailconfBundleUrl' },
  banner: { js: "var __mailconfBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [builtins, jsonParsed],
  logLevel: 'warning',
  charset: 'ascii',
});

const bundleFile = path.join(root, 'packages/cli/dist/bundle/mailconf.cjs');

// An ASCII bundle, so that bin/code-cache.js can read it as latin1, a plain copy (1 ms less of
// each start than decoding UTF-8). esbuild already writes strings and names in ASCII; what it
// leaves is in comments, where an escape means the same.
const text = fs.readFileSync(bundleFile, 'utf8');
fs.writeFileSync(bundleFile, text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));

// The build's identity, for bin/code-cache.js: the CRC-32 of the bundle, computed here once
// rather than by every run (hashing the 1 MB bundle was 1.5 ms of each start).
// Its size too: bin/code-cache.js takes a cache only for a bundle of that size not changed since.
const built = fs.readFileSync(bundleFile);
fs.writeFileSync(`${bundleFile}.id`, `${zlib.crc32(built).toString(16).padStart(8, '0')} ${built.length}\n`);
