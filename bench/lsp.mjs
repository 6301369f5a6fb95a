/**
 * Language server benchmark (run by bench/run.mjs, or alone: `node bench/lsp.mjs`): drives
 * `mailconf lsp --stdio` over JSON-RPC, as an editor does, on a generated 10,000-line mail
 * configuration, and prints
 *   - the time from a didChange to the diagnostics of that version (p50, p95), edits
 *     typed one at a time at a fast typist's pace (one every 100 ms);
 *   - completion latency, asked right after a change (what an editor does while one
 *     types) and on a settled document.
 * Numbers are printed, never asserted. Needs the build (`npm run build`); runs it if missing.
 * BENCH_LSP_EDITS sets the number of edits (default 100); BENCH_LSP_PROF=DIR writes a CPU
 * profile of the server there; BENCH_LSP_NODE_FLAGS adds Node or V8 flags to the server's
 * command line (space-separated), to try them.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import { generateConfig } from './generate.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'packages/cli/bin/mailconf.js');
const EDITS = Number(process.env.BENCH_LSP_EDITS ?? 100);
const PAUSE_MS = 100;
const TARGET_LINES = 10000;

if (!fs.existsSync(path.join(root, 'packages/cli/dist/index.js'))) {
  console.log('building first (npm run build)...');
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}

// generateConfig writes 9 lines per server after a short header: pick the count that makes 10,000 lines.
const header = generateConfig(0, { moduleLine: false }).split('\n').length - 1;
const text = generateConfig(Math.round((TARGET_LINES - header) / 9), { moduleLine: false });
const lineCount = text.split('\n').length - 1;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-bench-lsp-'));
const file = path.join(dir, 'mail.conf');
fs.writeFileSync(file, text);
const uri = pathToFileURL(file).href;

const profile = process.env.BENCH_LSP_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_LSP_PROF}`] : [];
const proc = spawn(process.execPath, [...profile, ...(process.env.BENCH_LSP_NODE_FLAGS?.split(' ').filter(Boolean) ?? []), cli, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
const waiting = new Map();
conn.onNotification('textDocument/publishDiagnostics', (p) => {
  if (p.uri !== uri) return;
  const w = waiting.get(p.version);
  if (w) {
    waiting.delete(p.version);
    w(p);
  }
});
conn.onRequest('workspace/configuration', (p) => p.items.map(() => ({})));
conn.onRequest('client/registerCapability', () => null);
conn.listen();

const diagnosticsFor = (version) => new Promise((resolve) => waiting.set(version, resolve));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (list, p) => {
  const s = [...list].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const ms = (v) => `${v.toFixed(1)} ms`;

await conn.sendRequest('initialize', {
  processId: process.pid,
  rootUri: pathToFileURL(dir).href,
  capabilities: {
    workspace: { configuration: true },
    textDocument: { publishDiagnostics: { versionSupport: true }, completion: { completionItem: { snippetSupport: true } } },
  },
});
await conn.sendNotification('initialized', {});

let version = 1;
let t0 = performance.now();
const first = diagnosticsFor(1);
await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nginx', version, text } });
const opened = await first;
const openMs = performance.now() - t0;

// Edits in the middle of the file: retype the value of a `timeout` (30s -> 31s -> 30s ...).
const lines = text.split('\n');
const timeoutLines = lines.map((l, i) => (l.trim() === 'timeout 30s;' ? i : -1)).filter((i) => i >= 0);
const targetLine = timeoutLines[Math.floor(timeoutLines.length / 2)];
const col = lines[targetLine].indexOf('30s') + 1; // the "0"
const changeLatencies = [];
for (let i = 0; i < EDITS; i++) {
  version++;
  const digit = String((i + 1) % 10);
  const done = diagnosticsFor(version);
  t0 = performance.now();
  await conn.sendNotification('textDocument/didChange', {
    textDocument: { uri, version },
    contentChanges: [{ range: { start: { line: targetLine, character: col }, end: { line: targetLine, character: col + 1 } }, text: digit }],
  });
  await done;
  changeLatencies.push(performance.now() - t0);
  await sleep(PAUSE_MS);
}

// Completion while typing: a new statement is started in a server ("t"), then completion
// is asked at once, before the server has checked the new text.
const typedLatencies = [];
const settledLatencies = [];
const serverLine = targetLine + 1; // the line after the timeout, inside the same server
let count = 0;
for (let i = 0; i < EDITS / 2; i++) {
  version++;
  const insert = i % 2 === 0;
  const change = insert
    ? { range: { start: { line: serverLine, character: 0 }, end: { line: serverLine, character: 0 } }, text: '        t\n' }
    : { range: { start: { line: serverLine, character: 0 }, end: { line: serverLine + 1, character: 0 } }, text: '' };
  const done = diagnosticsFor(version);
  await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
  if (insert) {
    t0 = performance.now();
    const r = await conn.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: serverLine, character: 9 } });
    typedLatencies.push(performance.now() - t0);
    count = r?.items?.length ?? 0;
  }
  await done;
  await sleep(PAUSE_MS / 2);
  if (insert) {
    t0 = performance.now();
    await conn.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: serverLine, character: 9 } });
    settledLatencies.push(performance.now() - t0);
  }
}

// The requests an editor sends after a pause, on the settled document (median of 10 each).
const others = {};
const visible = { start: { line: targetLine - 30, character: 0 }, end: { line: targetLine + 30, character: 0 } };
for (const [name, method, params] of [
  ['semantic tokens', 'textDocument/semanticTokens/full', { textDocument: { uri } }],
  ['document symbols', 'textDocument/documentSymbol', { textDocument: { uri } }],
  ['folding ranges', 'textDocument/foldingRange', { textDocument: { uri } }],
  ['inlay hints (60 lines)', 'textDocument/inlayHint', { textDocument: { uri }, range: visible }],
  ['hover', 'textDocument/hover', { textDocument: { uri }, position: { line: targetLine, character: col } }],
  ['formatting', 'textDocument/formatting', { textDocument: { uri }, options: { tabSize: 4, insertSpaces: true } }],
]) {
  const times = [];
  for (let i = 0; i < 10; i++) {
    t0 = performance.now();
    await conn.sendRequest(method, params);
    times.push(performance.now() - t0);
  }
  others[name] = pct(times, 50);
}

await conn.sendRequest('shutdown');
await conn.sendNotification('exit');
await new Promise((r) => proc.once('exit', r));
conn.dispose();
fs.rmSync(dir, { recursive: true, force: true });

const n = lineCount.toLocaleString('en');
console.log(
  `lsp first diagnostics after didOpen (${n} lines, ${opened.diagnostics.length} diagnostics): ${ms(openMs)}`,
);
console.log(
  `lsp diagnostics after didChange (${n} lines): p50 ${ms(pct(changeLatencies, 50))}, p95 ${ms(pct(changeLatencies, 95))} (target p95 <= 50 ms; ${changeLatencies.length} edits, ${PAUSE_MS} ms apart)`,
);
console.log(
  `lsp completion right after a change (${n} lines, ${count} items): p50 ${ms(pct(typedLatencies, 50))}, p95 ${ms(pct(typedLatencies, 95))} (target <= 20 ms)`,
);
console.log(`lsp completion on a settled document (${n} lines): p50 ${ms(pct(settledLatencies, 50))}, p95 ${ms(pct(settledLatencies, 95))} (target <= 20 ms)`);
console.log(`lsp other requests (${n} lines, p50): ${Object.entries(others).map(([k, v]) => `${k} ${ms(v)}`).join(', ')}`);
