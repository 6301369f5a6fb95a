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
  // Where the memory goes. Above bare Node, any Node program that reads the file pays a
  // fixed cost first: read-only.mjs (read it, look at each character) is that floor. The same
  // parse on an empty file is mailconf's own fixed cost (the program, chevrotain's tables).
  // What the file costs is the growth: peak memory against size over configs from a tenth to
  // twice the benchmark's (all large enough that V8 compiles the hot lexer and reader, a cost
  // that does not grow with the file), as a least-squares slope: bytes of memory per byte of
  // file. With V8's optimizing compilers off, what remains is the data alone (text, token
  // store, errors).
  const emptyFile = writeConfig(tmp, 'empty.conf', 'events {}\n');
  const fixed = measure([node, cli, 'parse', emptyFile]);
  const floor = measure([node, path.join(root, 'bench/read-only.mjs'), mailconfFile]);
  const points = [600, 3000, 12000].map((n) => {
    const file = writeConfig(tmp, `servers-${n}.conf`, generateConfig(n, { moduleLine: false }));
    return { bytes: fs.statSync(file).size, kib: measure([node, cli, 'parse', file]).maxrss_kib };
  });
  points.push({ bytes: size, kib: parse.maxrss_kib });
  const slope = leastSquaresSlope(points.map((p) => [p.bytes, p.kib * 1024]));
  const noJit = ['--no-opt', '--no-maglev'];
  const dataBig = measure([node, ...noJit, cli, 'parse', mailconfFile]);
  const dataEmpty = measure([node, ...noJit, cli, 'parse', emptyFile]);
  const times = (kib, bytes = size) => `${((kib * 1024) / bytes).toFixed(1)}x`;
  console.log(`  memory: node alone ${mb(baseline.maxrss_kib)}; a Node program that only reads the file (bench/read-only.mjs) ${mb(floor.maxrss_kib)} (${times(floor.maxrss_kib - baseline.maxrss_kib)} the file above node); mailconf on an empty file ${mb(fixed.maxrss_kib)}, on the file ${mb(parse.maxrss_kib)}`);
  console.log(`  memory growth with the file (slope over ${points.length} sizes, ${(points[0].bytes / 1024).toFixed(0)} KiB to ${(points[2].bytes / 1024 / 1024).toFixed(1)} MiB): ${slope.toFixed(1)}x the bytes added (target 4x); the file over an empty one: ${times(parse.maxrss_kib - fixed.maxrss_kib)}, of which data ${times(dataBig.maxrss_kib - dataEmpty.maxrss_kib)} and the rest V8's compiler working memory`);
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

/** The slope of the line that best fits the points [x, y]. */
function leastSquaresSlope(points) {
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return sxy / sxx;
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
