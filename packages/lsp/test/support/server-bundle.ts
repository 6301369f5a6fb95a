/**
 * The server the tests drive, built from the TypeScript sources (as vitest tests the other
 * packages): esbuild bundles an entry that calls `startServer()` (or the whole `mailconf`
 * command, for `mailconf lsp --stdio`) with `@mailconf/*` resolved to packages/<name>/src,
 * and the tests run it as a real process. The bundle is written under node_modules/.cache
 * so its external dependencies resolve from the repository's node_modules.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const outDir = path.join(repoRoot, 'node_modules/.cache/mailconf-lsp-test');

const ENTRIES = {
  /** The language server alone. */
  server: "import { startServer } from '@mailconf/lsp';\nstartServer();\n",
  /** The mailconf command, as bin/mailconf.js runs it: `node <bundle> lsp --stdio`. */
  cli: [
    "import { main } from './packages/cli/src/index.ts';",
    'main(process.argv, { tuneHeap: true, directOutput: true }).then((code) => { process.exitCode = code; }, (err) => { process.stderr.write(String(err && err.stack || err)); process.exitCode = 2; });',
    '',
  ].join('\n'),
};

const built = new Map<string, Promise<string>>();

export function serverBundle(kind: keyof typeof ENTRIES = 'server'): Promise<string> {
  let p = built.get(kind);
  if (!p) {
    p = build(kind);
    built.set(kind, p);
  }
  return p;
}

async function build(kind: keyof typeof ENTRIES): Promise<string> {
  fs.mkdirSync(outDir, { recursive: true });
  // One file per test process: test files run in parallel.
  const outfile = path.join(outDir, `${kind}-${process.pid}-${Date.now().toString(36)}.mjs`);
  const pkg = (name: string) => path.join(repoRoot, 'packages', name, 'src', 'index.ts');
  await esbuild.build({
    stdin: { contents: ENTRIES[kind], resolveDir: repoRoot, loader: 'ts', sourcefile: `${kind}-entry.ts` },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    sourcemap: 'inline',
    external: ['@nginx/reference-lib', 'editorconfig', 'vscode-languageserver', 'vscode-languageserver/*', 'vscode-languageserver-textdocument', 'chevrotain', 'commander', 'diff'],
    alias: Object.fromEntries(['syntax', 'schema', 'checker', 'format', 'runtime', 'lsp'].map((n) => [`@mailconf/${n}`, pkg(n)])),
    banner: { js: "import { createRequire as __mailconfCreateRequire } from 'node:module'; const require = __mailconfCreateRequire(import.meta.url);" },
    logLevel: 'error',
  });
  process.once('exit', () => fs.rmSync(outfile, { force: true }));
  return outfile;
}
