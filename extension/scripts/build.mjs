#!/usr/bin/env node
/**
 * Builds what the .vsix ships:
 *   dist/extension.js  src/extension.ts bundled (CommonJS; `vscode` is provided by the editor)
 *   dist/server.js     src/server.ts bundled: the language server and every package it uses,
 *                      so the .vsix needs no node_modules
 *   syntaxes/nginx.tmLanguage.json  a copy of grammars/nginx.tmLanguage.json
 *
 * `@mailconf/<name>` imports resolve to packages/<name>/src/index.ts, so the bundle never
 * depends on the packages' built dist/ folders being current.
 *
 * Usage: node scripts/build.mjs [--watch] [--minify]
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const extensionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(extensionDir, '..');
const watch = process.argv.includes('--watch');
const minify = process.argv.includes('--minify');

const packageEntry = (name) => path.join(repoRoot, 'packages', name, 'src', 'index.ts');
const relative = (p) => path.relative(repoRoot, p).split(path.sep).join('/');

function fail(message) {
  console.error(`mailconf extension build: ${message}`);
  process.exit(1);
}

const lspEntry = packageEntry('lsp');
if (!fs.existsSync(lspEntry)) {
  fail(
    `${relative(lspEntry)} does not exist yet. The extension bundles the language server ` +
      `(startServer from @mailconf/lsp); it can be built once the lsp package is written.`,
  );
}

/** Resolves `@mailconf/<name>` to that package's TypeScript source. */
const mailconfSources = {
  name: 'mailconf-sources',
  setup(build) {
    build.onResolve({ filter: /^@mailconf\/[^/]+$/ }, (args) => {
      const name = args.path.slice('@mailconf/'.length);
      const entry = packageEntry(name);
      if (!fs.existsSync(entry)) {
        return { errors: [{ text: `${args.path} resolves to ${relative(entry)}, which does not exist` }] };
      }
      return { path: entry };
    });
  },
};

function copyGrammar() {
  const source = path.join(repoRoot, 'grammars', 'nginx.tmLanguage.json');
  const text = fs.readFileSync(source, 'utf8');
  try {
    JSON.parse(text);
  } catch (err) {
    fail(`${relative(source)} is not valid JSON: ${err.message}`);
  }
  const target = path.join(extensionDir, 'syntaxes', 'nginx.tmLanguage.json');
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, text);
}

/**
 * The formatter reads .editorconfig files with the `editorconfig` package, whose INI parser
 * is WebAssembly loaded from next to the code: ship the .wasm beside dist/server.js.
 */
function copyWasm() {
  const require = createRequire(path.join(repoRoot, 'packages/format/package.json'));
  const source = path.join(path.dirname(require.resolve('@one-ini/wasm')), 'one_ini_bg.wasm');
  if (!fs.existsSync(source)) fail(`cannot find ${relative(source)} (needed by editorconfig)`);
  fs.mkdirSync(path.join(extensionDir, 'dist'), { recursive: true });
  fs.copyFileSync(source, path.join(extensionDir, 'dist', 'one_ini_bg.wasm'));
}

/** @type {esbuild.BuildOptions} */
const common = {
  absWorkingDir: extensionDir,
  bundle: true,
  platform: 'node',
  // The Node.js inside VS Code 1.95's Electron.
  target: 'node20',
  // VS Code loads extensions (and the client forks the server) as CommonJS.
  format: 'cjs',
  sourcemap: true,
  minify,
  logLevel: 'warning',
  plugins: [mailconfSources],
  // The packages are ES modules; give the few `import.meta` uses a CommonJS equivalent.
  define: {
    'import.meta.url': '__import_meta_url',
    'import.meta.dirname': '__dirname',
    'import.meta.filename': '__filename',
  },
  banner: { js: 'var __import_meta_url = require("url").pathToFileURL(__filename).href;' },
};

const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...common, entryPoints: ['src/server.ts'], outfile: 'dist/server.js' },
];

copyGrammar();
copyWasm();
try {
  if (watch) {
    for (const options of builds) await (await esbuild.context(options)).watch();
    console.log('mailconf extension build: watching for changes');
  } else {
    await Promise.all(builds.map((options) => esbuild.build(options)));
  }
} catch {
  // esbuild has already printed the errors with their locations.
  fail('bundling failed');
}
