/**
 * The proxy benchmark: `mailconf run` against nginx, both with worker_processes 1, on the
 * same generated POP3 configuration, in the same run. A Node auth_http server and a Node POP3
 * backend stand behind both. Prints, side by side and as ratios:
 *   - CPU time (user + system, of all the proxy's processes) per 1,000 logins;
 *   - CPU time per GB proxied from client to backend, and from backend to client;
 *   - memory (RSS) per idle connection, over 2,000 idle connections.
 * Loopback only; every loop is bounded.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'packages/cli/bin/mailconf.js');
const LOGINS = Number(process.env.BENCH_LOGINS ?? 1000);
const BULK = Number(process.env.BENCH_BULK_MB ?? 256) * 1024 * 1024;
const IDLE = Number(process.env.BENCH_IDLE ?? 2000);
const AUTH_PORT = 21080;
const BACKEND_PORT = 21110;
const PROXY_PORT = 21111;
const TICK = 100; // clock ticks per second on Linux

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function startAuth() {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Auth-Status': 'OK', 'Auth-Server': '127.0.0.1', 'Auth-Port': String(BACKEND_PORT) });
    res.end();
  });
  return new Promise((r) => server.listen(AUTH_PORT, '127.0.0.1', () => r(server)));
}

/** A POP3 backend: logs in anyone; `BULKUP n` swallows n bytes; `BULKDOWN n` sends n bytes. */
function startBackend() {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const server = net.createServer((s) => {
    s.write('+OK backend ready\r\n');
    let buf = '';
    let swallow = 0;
    s.on('data', (d) => {
      if (swallow > 0) {
        const n = Math.min(swallow, d.length);
        swallow -= n;
        if (swallow === 0) s.write('+OK got it\r\n');
        d = d.subarray(n);
        if (!d.length) return;
      }
      buf += d.toString('latin1');
      let i;
      while ((i = buf.indexOf('\r\n')) !== -1) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const [cmd, arg] = line.split(' ');
        if (cmd === 'BULKUP') {
          // Bytes that came with the command line are the start of the payload.
          swallow = Number(arg) - buf.length;
          buf = '';
          if (swallow <= 0) {
            swallow = 0;
            s.write('+OK got it\r\n');
          }
          break;
        }
        else if (cmd === 'BULKDOWN') {
          let left = Number(arg);
          const pump = () => {
            while (left > 0) {
              const n = Math.min(left, chunk.length);
              left -= n;
              if (!s.write(chunk.subarray(0, n))) return s.once('drain', pump);
            }
          };
          pump();
        } else if (cmd === 'QUIT') s.end('+OK bye\r\n');
        else s.write('+OK\r\n');
      }
    });
    s.on('error', () => {});
  });
  return new Promise((r) => server.listen(BACKEND_PORT, '127.0.0.1', () => r(server)));
}

function writeConfig(dir, { module }) {
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  const conf = [
    module ? 'load_module /usr/lib/nginx/modules/ngx_mail_module.so;' : '',
    'worker_processes 1;',
    'daemon off;',
    `pid ${path.join(dir, 'proxy.pid')};`,
    `error_log ${path.join(dir, 'logs/error.log')} warn;`,
    `events { worker_connections ${IDLE + 200}; }`,
    'mail {',
    `    auth_http 127.0.0.1:${AUTH_PORT}/auth;`,
    '    server {',
    `        listen 127.0.0.1:${PROXY_PORT};`,
    '        protocol pop3;',
    '        proxy_buffer 64k;',
    '    }',
    '}',
    '',
  ].join('\n');
  const file = path.join(dir, 'proxy.conf');
  fs.writeFileSync(file, conf);
  return file;
}

/** The proxy's process and its children. */
function processTree(pid) {
  const all = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  const parent = new Map();
  for (const p of all) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      parent.set(Number(p), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {}
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) for (const [c, pp] of parent) if (pp === out[i]) out.push(c);
  return out;
}

function cpuSeconds(pid) {
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {}
  }
  return ticks / TICK;
}

function rssKiB(pid) {
  let kib = 0;
  for (const p of processTree(pid)) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) kib += Number(m[1]);
    } catch {}
  }
  return kib;
}

/** A line-oriented client connection. */
function connect() {
  return new Promise((resolve, reject) => {
    const s = net.connect(PROXY_PORT, '127.0.0.1');
    let buf = '';
    const waiters = [];
    s.on('data', (d) => {
      buf += d.toString('latin1');
      let i;
      while (waiters.length && (i = buf.indexOf('\r\n')) !== -1) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        waiters.shift()(line);
      }
    });
    s.on('error', reject);
    const line = () => new Promise((r) => (buf.indexOf('\r\n') !== -1 ? (() => { const i = buf.indexOf('\r\n'); const l = buf.slice(0, i); buf = buf.slice(i + 2); r(l); })() : waiters.push(r)));
    s.once('connect', () => resolve({ s, line, send: (t) => s.write(t) }));
  });
}

async function login() {
  const c = await connect();
  await c.line();
  c.send('USER bench\r\n');
  await c.line();
  c.send('PASS secret\r\n');
  const ok = await c.line();
  if (!ok.startsWith('+OK')) throw new Error(`login failed: ${ok}`);
  return c;
}

async function waitListening(child, ms = 15000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`proxy exited (${child.exitCode})`);
    const ok = await new Promise((r) => {
      const s = net.connect(PROXY_PORT, '127.0.0.1');
      s.once('connect', () => (s.destroy(), r(true)));
      s.once('error', () => r(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error('proxy did not start listening');
}

async function measure(name, argv) {
  if (process.env.BENCH_DEBUG) console.error('measure', name);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mailconf-bench-${name}-`));
  const file = writeConfig(dir, { module: name === 'nginx' });
  const args = argv(file, dir);
  const child = spawn(args[0], args.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  try {
    await waitListening(child);
    if (process.env.BENCH_DEBUG) console.error('listening');
    await sleep(300);
    const pid = child.pid;
    // Logins, 20 at a time.
    let cpu0 = cpuSeconds(pid);
    for (let done = 0; done < LOGINS; ) {
      const batch = Math.min(20, LOGINS - done);
      await Promise.all(
        Array.from({ length: batch }, async () => {
          const c = await login();
          c.send('QUIT\r\n');
          await c.line();
          c.s.destroy();
        }),
      );
      done += batch;
    }
    if (process.env.BENCH_DEBUG) console.error('logins done');
    const perLogin = ((cpuSeconds(pid) - cpu0) * 1000) / LOGINS;
    // Bulk both ways.
    const c = await login();
    const chunk = Buffer.alloc(256 * 1024, 'y');
    cpu0 = cpuSeconds(pid);
    c.send(`BULKUP ${BULK}\r\n`);
    for (let sent = 0; sent < BULK; sent += chunk.length) {
      if (!c.s.write(chunk.subarray(0, Math.min(chunk.length, BULK - sent)))) await new Promise((r) => c.s.once('drain', r));
    }
    await c.line();
    if (process.env.BENCH_DEBUG) console.error('up done');
    const up = ((cpuSeconds(pid) - cpu0) * 1024 * 1024 * 1024) / BULK;
    cpu0 = cpuSeconds(pid);
    await new Promise((resolve) => {
      let got = 0;
      c.s.removeAllListeners('data');
      c.s.on('data', (d) => {
        got += d.length;
        if (got >= BULK) resolve();
      });
      c.send(`BULKDOWN ${BULK}\r\n`);
    });
    if (process.env.BENCH_DEBUG) console.error('down done');
    const down = ((cpuSeconds(pid) - cpu0) * 1024 * 1024 * 1024) / BULK;
    c.s.destroy();
    // Idle connections (greeted, not logged in: the pre-auth state nginx keeps longest).
    await sleep(300);
    const rss0 = rssKiB(pid);
    const idle = [];
    for (let i = 0; i < IDLE; i++) {
      const k = await connect();
      await k.line();
      idle.push(k);
    }
    await sleep(500);
    const perIdle = ((rssKiB(pid) - rss0) * 1024) / IDLE;
    for (const k of idle) k.s.destroy();
    return { perLogin, up, down, perIdle };
  } catch (err) {
    throw new Error(`${name}: ${err.message}${stderr ? `\n${stderr.slice(0, 500)}` : ''}`);
  } finally {
    child.kill('SIGTERM');
    await sleep(300);
    if (child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const auth = await startAuth();
const backend = await startBackend();
const results = {};
try {
  if (fs.existsSync('/usr/sbin/nginx')) {
    results.nginx = await measure('nginx', (file, dir) => ['/usr/sbin/nginx', '-p', dir, '-c', file, '-e', path.join(dir, 'logs/stderr.log')]);
  } else console.log('proxy: nginx is not installed: no reference run');
  const help = spawnSync(process.execPath, [cli, 'run', '--help'], { encoding: 'utf8' });
  if (help.status === 0) results.mailconf = await measure('mailconf', (file) => [process.execPath, cli, 'run', file]);
  else console.log('proxy: mailconf run is not available yet');
} catch (err) {
  console.log(`proxy benchmark failed: ${err.message}`);
}
auth.close();
backend.close();

const f = (x, unit) => `${x.toFixed(unit === 'KiB' ? 1 : 2)} ${unit}`;
const line = (label, key, unit, target, scale = 1) => {
  const n = results.nginx?.[key];
  const m = results.mailconf?.[key];
  let s = `proxy ${label.padEnd(30)}`;
  if (n !== undefined) s += ` nginx ${f(n * scale, unit)}`;
  if (m !== undefined) s += `  mailconf ${f(m * scale, unit)}`;
  if (n && m) s += `  ratio ${(m / n).toFixed(2)} (target <= ${target})`;
  console.log(s);
};
line(`CPU per 1,000 logins (${LOGINS} run)`, 'perLogin', 's', 3, 1);
line('CPU per GB client -> backend', 'up', 's', 1.5);
line('CPU per GB backend -> client', 'down', 's', 1.5);
line('memory per idle connection', 'perIdle', 'KiB', 4, 1 / 1024);
process.exit(0);
