/**
 * Builds the .vsix with `npm run package` and checks what it holds: the manifest, the grammar,
 * the language configuration, the two bundles and nothing from node_modules. The bundled
 * server is then started from a copy of the .vsix contents in a temporary directory, far from
 * any node_modules, and must answer an LSP `initialize` request: proof that the bundle is
 * self-contained.
 *
 * The bundle contains the language server, so this needs packages/lsp/src/index.ts; until the
 * lsp package exists the test is skipped with a note.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readZip, type ZipEntry } from './zip.js';

const extensionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(extensionDir, '..');
const lspEntry = path.join(repoRoot, 'packages/lsp/src/index.ts');
const hasLsp = fs.existsSync(lspEntry);
if (!hasLsp) console.log('vsix test skipped: packages/lsp/src/index.ts does not exist yet (the .vsix bundles the language server)');

const manifest = JSON.parse(fs.readFileSync(path.join(extensionDir, 'package.json'), 'utf8'));

let tmp: string;
let entries: Map<string, Buffer>;

function entry(name: string): Buffer {
  const data = entries.get(name);
  if (!data) throw new Error(`${name} is not in the .vsix (it has: ${[...entries.keys()].join(', ')})`);
  return data;
}

/** Module ids a CommonJS bundle still requires at run time (string literals only). */
function requiredModules(bundle: string): string[] {
  return [...new Set([...bundle.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!))].sort();
}

const isBuiltin = (id: string) => id.startsWith('node:') || builtinModules.includes(id.split('/')[0]!);

/**
 * Starts `node server.js --stdio`, sends `initialize`, then (when `hoverText` is given) opens
 * a document and asks for a hover at its start; returns the initialize result and the hover.
 */
function initialize(serverPath: string, cwd: string, hoverText?: string): Promise<{ capabilities?: unknown; hover?: unknown }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [serverPath, '--stdio'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = Buffer.alloc(0);
    let stderr = '';
    const timer = setTimeout(() => finish(new Error(`no initialize response within 15 s; stderr: ${stderr}`)), 15_000);
    let initResult: { capabilities?: unknown } | undefined;
    function finish(err: Error | null, result?: { capabilities?: unknown; hover?: unknown }) {
      clearTimeout(timer);
      child.kill();
      if (err) reject(err);
      else resolve(result!);
    }
    child.on('error', (err) => finish(err));
    child.on('exit', (code) => finish(new Error(`server exited with ${code} before answering; stderr: ${stderr}`)));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      stdout = Buffer.concat([stdout, d]);
      // Messages are framed as `Content-Length: N\r\n\r\n` + N bytes of JSON.
      for (;;) {
        const headerEnd = stdout.indexOf('\r\n\r\n');
        if (headerEnd === -1) return;
        const length = Number(/Content-Length: (\d+)/i.exec(stdout.toString('ascii', 0, headerEnd))?.[1]);
        if (stdout.length < headerEnd + 4 + length) return;
        const message = JSON.parse(stdout.toString('utf8', headerEnd + 4, headerEnd + 4 + length));
        stdout = stdout.subarray(headerEnd + 4 + length);
        if (message.id === 1) {
          if (message.error) return finish(new Error(`initialize failed: ${JSON.stringify(message.error)}`));
          if (hoverText === undefined) return finish(null, message.result);
          initResult = message.result;
          const uri = 'file:///tmp/mailconf-vsix-test/nginx.conf';
          send({ jsonrpc: '2.0', method: 'initialized', params: {} });
          send({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'nginx', version: 1, text: hoverText } } });
          send({ jsonrpc: '2.0', id: 2, method: 'textDocument/hover', params: { textDocument: { uri }, position: { line: 2, character: 6 } } });
        } else if (message.id === 2) {
          return finish(null, { ...initResult, hover: message.result });
        }
      }
    });
    function send(message: unknown) {
      const body = JSON.stringify(message);
      child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    }
    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null },
    });
  });
}

describe.skipIf(!hasLsp)('the .vsix built by npm run package', () => {
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-vsix-'));
    const out = path.join(tmp, `${manifest.name}-${manifest.version}.vsix`);
    execFileSync('npm', ['run', '--silent', 'package', '--', '--out', out], { cwd: extensionDir, stdio: 'pipe', timeout: 50_000 });
    entries = new Map(readZip(fs.readFileSync(out)).map((e: ZipEntry) => [e.name, e.data]));
  }, 60_000);

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('holds the bundles, grammar, language configuration, readme and licence, and nothing else of ours', () => {
    const names = [...entries.keys()].filter((n) => n.startsWith('extension/')).map((n) => n.slice('extension/'.length));
    expect(names.sort()).toEqual(
      [
        'LICENSE.txt',
        'dist/extension.js',
        'dist/one_ini_bg.wasm',
        'dist/server.js',
        'language-configuration.json',
        'package.json',
        'readme.md',
        'syntaxes/nginx.tmLanguage.json',
      ].sort(),
    );
    expect([...entries.keys()].filter((n) => n.includes('node_modules'))).toEqual([]);
    expect(entry('extension/LICENSE.txt').toString()).toMatch(/^MIT License/);
  });

  test('manifest: identity, entry point, activation, language, grammar and settings', () => {
    const packaged = JSON.parse(entry('extension/package.json').toString());
    expect(packaged).toMatchObject({ name: 'mailconf-vscode', publisher: 'mailconf', version: manifest.version, main: './dist/extension.js' });
    expect(packaged.engines.vscode).toMatch(/^\^1\.\d+\.\d+$/);
    expect(packaged.activationEvents).toContain('onLanguage:nginx');
    expect(packaged.contributes.languages[0]).toMatchObject({ id: 'nginx', configuration: './language-configuration.json' });
    const [grammarContribution] = packaged.contributes.grammars;
    expect(grammarContribution).toMatchObject({ language: 'nginx', scopeName: 'source.nginx' });
    expect(Object.keys(packaged.contributes.configuration.properties).sort()).toEqual(
      [
        'mailconf.checkDns',
        'mailconf.checkFiles',
        'mailconf.format.align',
        'mailconf.format.indent',
        'mailconf.format.tabs',
        'mailconf.nginxVersion',
        'mailconf.rules',
        'mailconf.trace.server',
      ].sort(),
    );
    const identity = /<Identity\b[^>]*>/.exec(entry('extension.vsixmanifest').toString())?.[0] ?? '';
    expect(identity).toContain('Id="mailconf-vscode"');
    expect(identity).toContain(`Version="${manifest.version}"`);
    expect(identity).toContain('Publisher="mailconf"');
  });

  test('grammar: valid JSON, the scope the manifest names, identical to grammars/nginx.tmLanguage.json', () => {
    const packaged = JSON.parse(entry('extension/package.json').toString());
    const grammarFile = `extension/${path.posix.normalize(packaged.contributes.grammars[0].path)}`;
    const grammar = JSON.parse(entry(grammarFile).toString());
    expect(grammar.scopeName).toBe(packaged.contributes.grammars[0].scopeName);
    expect(entry(grammarFile).toString()).toBe(fs.readFileSync(path.join(repoRoot, 'grammars/nginx.tmLanguage.json'), 'utf8'));
    expect(() => JSON.parse(entry('extension/language-configuration.json').toString())).not.toThrow();
  });

  test('bundles need nothing at run time but vscode and Node built-ins', () => {
    const extensionRequires = requiredModules(entry('extension/dist/extension.js').toString());
    expect(extensionRequires.filter((id) => id !== 'vscode' && !isBuiltin(id))).toEqual([]);
    expect(extensionRequires).toContain('vscode');
    expect(requiredModules(entry('extension/dist/server.js').toString()).filter((id) => !isBuiltin(id))).toEqual([]);
  });

  test('the bundled server, alone in a directory without node_modules, answers initialize', async () => {
    const dir = path.join(tmp, 'unpacked');
    fs.mkdirSync(dir);
    const serverPath = path.join(dir, 'server.js');
    fs.writeFileSync(serverPath, entry('extension/dist/server.js'));
    const result = await initialize(serverPath, dir);
    expect(result.capabilities).toBeTypeOf('object');
  }, 30_000);

  test('the bundled server carries nginx.org\'s directive docs for hover', async () => {
    const dir = path.join(tmp, 'hover');
    fs.mkdirSync(dir);
    const serverPath = path.join(dir, 'server.js');
    fs.writeFileSync(serverPath, entry('extension/dist/server.js'));
    fs.writeFileSync(path.join(dir, 'one_ini_bg.wasm'), entry('extension/dist/one_ini_bg.wasm'));
    const result = await initialize(serverPath, dir, 'events {}\nmail {\n    imap_auth plain login;\n}\n');
    expect(JSON.stringify(result.hover)).toMatch(/Sets permitted methods of authentication for IMAP clients/);
  }, 30_000);
});
