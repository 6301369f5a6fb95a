/**
 * `npm run bench`: mailconf against the reference tools, measured side by side in the same
 * run on the same generated 54,000-line configuration, reported as ratios.
 *   parse  — `mailconf parse` vs `nginx -t` (wall time; memory above the Node baseline vs file size)
 *   lint   — `mailconf lint` vs `nginx -t`
 *   fmt    — `mailconf fmt` vs prettier-plugin-nginx (when installed)
 *   lsp    — bench/lsp.mjs (didChange → diagnostics, completion latency), when present
 *   proxy  — bench/runtime.mjs (mailconf run vs nginx), when present
 * Numbers are printed, never asserted: this is a benchmark, not a test.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateConfig, writeConfig } from './generate.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Not a dot-directory: prettier skips files inside those.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-bench-'));
const node = process.execPath;
const cli = path.join(root, 'packages/cli/bin/mailconf.js');
const runs = Number(process.env.BENCH_RUNS ?? 5);
const only = process.argv.slice(2);
const want = (name) => only.length === 0 || only.includes(name);

function measure(cmd) {
  const r = spawnSync('python3', [path.join(root, 'bench/measure.py'), String(runs), ...cmd], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`measure failed: ${r.stderr}`);
  const v = JSON.parse(r.stdout.trim().split('\n').pop());
  if (v.error !== undefined) throw new Error(`${cmd.join(' ')} exited ${v.error}`);
  return v;
}

const fmtS = (s) => `${s.toFixed(3)} s`;
const mb = (kib) => `${(kib / 1024).toFixed(1)} MiB`;

const prefix = path.join(tmp, 'nginx');
fs.mkdirSync(path.join(prefix, 'logs'), { recursive: true });
const nginxFile = writeConfig(prefix, 'bench.conf', generateConfig(6000, { prefix }));
const mailconfFile = writeConfig(tmp, 'bench.conf', generateConfig(6000, { moduleLine: false }));
const size = fs.statSync(mailconfFile).size;
const lines = fs.readFileSync(mailconfFile, 'utf8').split('\n').length - 1;
console.log(`benchmark config: ${lines.toLocaleString('en')} lines, ${(size / 1024).toFixed(0)} KiB, 6,000 mail servers; ${runs} runs each, best wall time`);

if (!fs.existsSync(path.join(root, 'packages/cli/dist/index.js'))) {
  console.log('building first (npm run build)...');
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}

let nginx = null;
const nginxBin = fs.existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : null;
if (nginxBin && (want('parse') || want('lint'))) {
  // An empty network namespace, so nginx -t can bind its 6,000 test sockets without touching the machine.
  const base = [nginxBin, '-t', '-q', '-p', prefix, '-c', nginxFile];
  const cmd = spawnSync('unshare', ['-n', 'true']).status === 0 ? ['unshare', '-n', ...base] : base;
  try {
    nginx = measure(cmd);
    console.log(`nginx -t (1.22.1):       ${fmtS(nginx.best)}  peak ${mb(nginx.maxrss_kib)}`);
  } catch (err) {
    console.log(`nginx -t could not run: ${err.message.split('\n')[0]}`);
  }
} else if (!nginxBin) {
  console.log('nginx is not installed (bash ../shared/oracle/install.sh): ratios against nginx -t skipped');
}

const baseline = measure([node, '-e', '0']);
const report = (label, m, ref, refLabel, target) => {
  const above = Math.max(0, m.maxrss_kib - baseline.maxrss_kib) * 1024;
  let line = `${label.padEnd(24)} ${fmtS(m.best)}  peak ${mb(m.maxrss_kib)} (${mb(above / 1024)} above node's ${mb(baseline.maxrss_kib)} = ${(above / size).toFixed(1)}x the file)`;
  if (ref) line += `  | ratio to ${refLabel}: time ${(m.best / ref.best).toFixed(2)}${target ? ` (target <= ${target})` : ''}, memory ${(m.maxrss_kib / ref.maxrss_kib).toFixed(2)}`;
  console.log(line);
};

if (want('parse')) {
  const parse = measure([node, cli, 'parse', mailconfFile]);
  report('mailconf parse:', parse, nginx, 'nginx -t', '1.0');
  // Where the memory goes. The same command on an empty file is mailconf's fixed cost (Node,
  // the program, chevrotain); what the 54,000-line file adds on top of it is split by running
  // both with V8's optimizing compilers off: what remains is the data (text, token store,
  // errors), the difference is the compilers' working memory for the hot lexer and reader.
  const emptyFile = writeConfig(tmp, 'empty.conf', 'events {}\n');
  const fixed = measure([node, cli, 'parse', emptyFile]);
  const noJit = ['--no-opt', '--no-maglev'];
  const dataBig = measure([node, ...noJit, cli, 'parse', mailconfFile]);
  const dataEmpty = measure([node, ...noJit, cli, 'parse', emptyFile]);
  const share = (kib) => `${mb(kib)} = ${((kib * 1024) / size).toFixed(1)}x the file`;
  console.log(`  memory: node alone ${mb(baseline.maxrss_kib)}; mailconf on an empty file ${mb(fixed.maxrss_kib)}; the file adds ${share(parse.maxrss_kib - fixed.maxrss_kib)} (target 4x), of which data ${share(dataBig.maxrss_kib - dataEmpty.maxrss_kib)} and compiler working memory the rest`);
}
if (want('parse')) report('mailconf parse --format json:', measure(['sh', '-c', `"${node}" "${cli}" parse --format json "${mailconfFile}" > /dev/null`]), nginx, 'nginx -t');
if (want('lint')) report('mailconf lint:', measure([node, cli, 'lint', '--nginx-version', '1.22.1', mailconfFile]), nginx, 'nginx -t', '1.0');

if (want('fmt')) {
  const fmt = measure(['sh', '-c', `"${node}" "${cli}" fmt "${mailconfFile}" > /dev/null`]);
  const prettierBin = path.join(root, 'node_modules/prettier/bin/prettier.cjs');
  const plugin = path.join(root, 'node_modules/prettier-plugin-nginx');
  let prettier = null;
  if (fs.existsSync(prettierBin) && fs.existsSync(plugin)) {
    prettier = measureOnce(['sh', '-c', `"${node}" "${prettierBin}" --plugin prettier-plugin-nginx --parser nginx "${mailconfFile}" > /dev/null`]);
    console.log(`prettier-plugin-nginx:   ${fmtS(prettier.best)}  peak ${mb(prettier.maxrss_kib)}`);
  } else {
    console.log('prettier-plugin-nginx is not installed: fmt ratio skipped');
  }
  const speedup = prettier ? `  | ${(prettier.best / fmt.best).toFixed(1)}x faster than prettier-plugin-nginx (target >= 40x, <= 0.3 s)` : '';
  console.log(`${'mailconf fmt:'.padEnd(24)} ${fmtS(fmt.best)}  peak ${mb(fmt.maxrss_kib)}${speedup}`);
}

/** One run only: the reference formatter takes seconds. */
function measureOnce(cmd) {
  const r = spawnSync('python3', [path.join(root, 'bench/measure.py'), '1', ...cmd], { encoding: 'utf8' });
  const v = JSON.parse(r.stdout.trim().split('\n').pop());
  if (v.error !== undefined) throw new Error(`${cmd.join(' ')} exited ${v.error}`);
  return v;
}

for (const [name, file] of [
  ['lsp', 'bench/lsp.mjs'],
  ['proxy', 'bench/runtime.mjs'],
]) {
  if (!want(name)) continue;
  const p = path.join(root, file);
  if (!fs.existsSync(p)) {
    console.log(`${name}: ${file} not present yet`);
    continue;
  }
  const r = spawnSync(node, [p], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) console.log(`${name}: ${file} exited ${r.status}`);
}
fs.rmSync(tmp, { recursive: true, force: true });
