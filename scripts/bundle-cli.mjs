/**
 * Bundles the mailconf command into ES modules (packages/cli/dist/bundle/mailconf.js, with one
 * chunk per command loaded on demand).
 * Loading one file instead of a hundred modules is most of what makes a short `mailconf`
 * run fast; the per-package dist/ folders stay for library users. nginx's directive docs
 * (@nginx/reference-lib, 1.7 MB) stay external and are loaded only when docs are asked for.
 */
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = (name) => path.join(root, 'packages', name, 'src', 'index.ts');

// Chunk names carry a content hash: clear the old ones so they do not pile up.
fs.rmSync(path.join(root, 'packages/cli/dist/bundle'), { recursive: true, force: true });

await esbuild.build({
  entryPoints: [path.join(root, 'packages/cli/src/index.ts')],
  outdir: path.join(root, 'packages/cli/dist/bundle'),
  entryNames: 'mailconf',
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  sourcemap: true,
  external: ['@nginx/reference-lib', 'editorconfig', 'vscode-languageserver', 'vscode-languageserver/*', 'vscode-languageserver-textdocument'],
  alias: Object.fromEntries(['syntax', 'schema', 'checker', 'format', 'runtime', 'lsp'].map((n) => [`@mailconf/${n}`, pkg(n)])),
  banner: { js: "import { createRequire as __mailconfCreateRequire } from 'node:module'; const require = __mailconfCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
