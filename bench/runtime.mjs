/**
 * The proxy benchmark: `mailconf run` against nginx, both with worker_processes 1, on the
 * same generated POP3 configuration, in the same run. A Node auth_http server and a Node POP3
 * backend stand behind both. Prints, side by side and as ratios:
 *   - CPU time (user + system, of all the proxy's processes and threads) per 1,000 logins,
 *     over plain TCP and over implicit TLS (POP3S);
 *   - CPU time per GB proxied from client to backend, and from backend to client, over plain
 *     TCP and over TLS;
 *   - memory (RSS) per idle connection, over 4,000 idle connections.
 * The TLS listener uses a throwaway self-signed ECDSA P-256 certificate made with openssl in
 * the temporary directory (ECDSA so that the handshake's signature does not drown what the
 * proxy itself costs), TLSv1.2 and TLSv1.3 enabled for both proxies.
 * CPU comes from /proc/<pid>/task/<tid>/schedstat (nanoseconds) where the kernel has it,
 * else from /proc/<pid>/stat (clock ticks). Loopback only; every loop is bounded.
 *
 * Both proxies first serve BENCH_WARMUP logins (300; half as many over TLS) that are not measured.
 *
 * Environment: BENCH_LOGINS (1000), BENCH_TLS_LOGINS (500), BENCH_WARMUP (300), BENCH_BULK_MB
 * (256, client -> backend), BENCH_BULK_DOWN_MB (1024), BENCH_TLS_BULK_MB (128),
 * BENCH_TLS_BULK_DOWN_MB (512), BENCH_IDLE (4000), BENCH_ONLY (nginx|mailconf), BENCH_DEBUG.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'packages/cli/bin/mailconf.js');
const LOGINS = Number(process.env.BENCH_LOGINS ?? 1000);
const TLS_LOGINS = Number(process.env.BENCH_TLS_LOGINS ?? 500);
const MB = 1024 * 1024;
// nginx relays client -> backend through POP3's 128-byte buffer (slow), so that way is shorter
const BULK_UP = Number(process.env.BENCH_BULK_MB ?? 256) * MB;
const BULK_DOWN = Number(process.env.BENCH_BULK_DOWN_MB ?? 1024) * MB;
const TLS_BULK_UP = Number(process.env.BENCH_TLS_BULK_MB ?? 128) * MB;
const TLS_BULK_DOWN = Number(process.env.BENCH_TLS_BULK_DOWN_MB ?? 512) * MB;
const IDLE = Number(process.env.BENCH_IDLE ?? 4000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 300);
const AUTH_PORT = 21080;
const BACKEND_PORT = 21110;
const PROXY_PORT = 21111;
const TLS_PORT = 21112;
const TICK = 100; // clock ticks per second on Linux
const debug = (...a) => process.env.BENCH_DEBUG && console.error(...a);

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
        } else if (cmd === 'BULKDOWN') {
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

/** A throwaway self-signed ECDSA certificate for the TLS listener. */
function makeCert(dir) {
  const openssl = ['/usr/bin/openssl', '/usr/local/bin/openssl'].find((p) => fs.existsSync(p)) ?? 'openssl';
  const key = path.join(dir, 'bench.key');
  const crt = path.join(dir, 'bench.crt');
  execFileSync(openssl, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=bench.example.test', '-keyout', key, '-out', crt], { stdio: 'ignore' });
  return { key, crt };
}

function writeConfig(dir, { module, cert }) {
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
    '    proxy_buffer 64k;',
    '    server {',
    `        listen 127.0.0.1:${PROXY_PORT};`,
    '        protocol pop3;',
    '    }',
    ...(cert
      ? [
          '    server {',
          `        listen 127.0.0.1:${TLS_PORT} ssl;`,
          '        protocol pop3;',
          `        ssl_certificate ${cert.crt};`,
          `        ssl_certificate_key ${cert.key};`,
          '        ssl_protocols TLSv1.2 TLSv1.3;',
          '    }',
        ]
      : []),
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

const hasSchedstat = fs.existsSync(`/proc/${process.pid}/task/${process.pid}/schedstat`);

/** CPU seconds used so far by a process tree (every thread of every process). */
function cpuSeconds(pid) {
  let total = 0;
  for (const p of processTree(pid)) {
    try {
      if (hasSchedstat) {
        for (const t of fs.readdirSync(`/proc/${p}/task`)) total += Number(fs.readFileSync(`/proc/${p}/task/${t}/schedstat`, 'utf8').split(' ')[0]) / 1e9;
      } else {
        const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        total += (Number(f[11]) + Number(f[12])) / TICK;
      }
    } catch {}
  }
  return total;
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

/** A line-oriented client connection, plain or TLS. */
function connect(secure = false) {
  return new Promise((resolve, reject) => {
    const s = secure ? tls.connect({ port: TLS_PORT, host: '127.0.0.1', rejectUnauthorized: false }) : net.connect(PROXY_PORT, '127.0.0.1');
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
    const line = () =>
      new Promise((r) => {
        const i = buf.indexOf('\r\n');
        if (i === -1) return waiters.push(r);
        const l = buf.slice(0, i);
        buf = buf.slice(i + 2);
        r(l);
      });
    s.once(secure ? 'secureConnect' : 'connect', () => resolve({ s, line, send: (t) => s.write(t) }));
  });
}

async function login(secure = false) {
  const c = await connect(secure);
  await c.line();
  c.send('USER bench\r\n');
  await c.line();
  c.send('PASS secret\r\n');
  const ok = await c.line();
  if (!ok.startsWith('+OK')) throw new Error(`login failed: ${ok}`);
  return c;
}

async function waitListening(child, port, ms = 15000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`proxy exited (${child.exitCode})`);
    const ok = await new Promise((r) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), r(true)));
      s.once('error', () => r(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error('proxy did not start listening');
}

/** CPU seconds per 1,000 logins (login, QUIT, close), 20 at a time. */
async function logins(pid, count, secure) {
  const cpu0 = cpuSeconds(pid);
  for (let done = 0; done < count; ) {
    const batch = Math.min(20, count - done);
    await Promise.all(
      Array.from({ length: batch }, async () => {
        const c = await login(secure);
        c.send('QUIT\r\n');
        await c.line();
        c.s.destroy();
      }),
    );
    done += batch;
  }
  return ((cpuSeconds(pid) - cpu0) * 1000) / count;
}

/** CPU seconds per GB each way over one logged-in session. */
async function bulk(pid, upSize, downSize, secure) {
  const c = await login(secure);
  const chunk = Buffer.alloc(256 * 1024, 'y');
  let cpu0 = cpuSeconds(pid);
  c.send(`BULKUP ${upSize}\r\n`);
  for (let sent = 0; sent < upSize; sent += chunk.length) {
    if (!c.s.write(chunk.subarray(0, Math.min(chunk.length, upSize - sent)))) await new Promise((r) => c.s.once('drain', r));
  }
  await c.line();
  const up = ((cpuSeconds(pid) - cpu0) * 1024 * MB) / upSize;
  cpu0 = cpuSeconds(pid);
  await new Promise((resolve) => {
    let got = 0;
    c.s.removeAllListeners('data');
    c.s.on('data', (d) => {
      got += d.length;
      if (got >= downSize) resolve();
    });
    c.send(`BULKDOWN ${downSize}\r\n`);
  });
  const down = ((cpuSeconds(pid) - cpu0) * 1024 * MB) / downSize;
  c.s.destroy();
  return { up, down };
}

async function measure(name, argv) {
  debug('measure', name);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mailconf-bench-${name}-`));
  let cert = null;
  try {
    cert = makeCert(dir);
  } catch {
    console.log('proxy: openssl is not available: no TLS figures');
  }
  const file = writeConfig(dir, { module: name === 'nginx', cert });
  const args = argv(file, dir);
  const child = spawn(args[0], args.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  try {
    await waitListening(child, PROXY_PORT);
    debug('listening');
    await sleep(300);
    const pid = child.pid;
    const r = {};
    // warm-up, not measured: the steady state is what a running proxy costs (Node compiles
    // its hot paths during the first few hundred logins; nginx has nothing to warm up)
    await logins(pid, WARMUP, false);
    if (cert) await logins(pid, Math.ceil(WARMUP / 2), true);
    r.perLogin = await logins(pid, LOGINS, false);
    debug('logins done');
    // Idle connections (greeted, not logged in: the pre-auth state nginx keeps longest),
    // before the bulk transfers: the heap they grow has room for thousands of connections,
    // and the figure would say nothing.
    await sleep(300);
    const rss0 = rssKiB(pid);
    const idle = [];
    for (let i = 0; i < IDLE; i++) {
      const k = await connect();
      await k.line();
      idle.push(k);
    }
    await sleep(500);
    r.perIdle = ((rssKiB(pid) - rss0) * 1024) / IDLE;
    for (const k of idle) k.s.destroy();
    await sleep(300);
    Object.assign(r, await bulk(pid, BULK_UP, BULK_DOWN, false));
    debug('bulk done');
    if (cert) {
      r.perTlsLogin = await logins(pid, TLS_LOGINS, true);
      debug('TLS logins done');
      const t = await bulk(pid, TLS_BULK_UP, TLS_BULK_DOWN, true);
      r.tlsUp = t.up;
      r.tlsDown = t.down;
      debug('TLS bulk done');
    }
    return r;
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
const only = process.env.BENCH_ONLY;
try {
  if (only !== 'mailconf') {
    if (fs.existsSync('/usr/sbin/nginx')) {
      results.nginx = await measure('nginx', (file, dir) => ['/usr/sbin/nginx', '-p', dir, '-c', file, '-e', path.join(dir, 'logs/stderr.log')]);
    } else console.log('proxy: nginx is not installed: no reference run');
  }
  if (only !== 'nginx') {
    const help = spawnSync(process.execPath, [cli, 'run', '--help'], { encoding: 'utf8' });
    if (help.status === 0) results.mailconf = await measure('mailconf', (file) => [process.execPath, ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), cli, 'run', file]);
    else console.log('proxy: mailconf run is not available yet');
  }
} catch (err) {
  console.log(`proxy benchmark failed: ${err.message}`);
}
auth.close();
backend.close();

const f = (x, unit) => `${x.toFixed(unit === 'KiB' ? 1 : 2)} ${unit}`;
const line = (label, key, unit, target, scale = 1) => {
  const n = results.nginx?.[key];
  const m = results.mailconf?.[key];
  if (n === undefined && m === undefined) return;
  let s = `proxy ${label.padEnd(34)}`;
  if (n !== undefined) s += ` nginx ${f(n * scale, unit)}`;
  if (m !== undefined) s += `  mailconf ${f(m * scale, unit)}`;
  if (n && m) s += `  ratio ${(m / n).toFixed(2)}${target ? ` (target <= ${target})` : ''}`;
  console.log(s);
};
line(`CPU per 1,000 logins (${LOGINS} run)`, 'perLogin', 's', 3);
line('CPU per GB client -> backend', 'up', 's', 1.5);
line('CPU per GB backend -> client', 'down', 's', 1.5);
line(`CPU per 1,000 TLS logins (${TLS_LOGINS} run)`, 'perTlsLogin', 's', null);
line('CPU per GB TLS client -> backend', 'tlsUp', 's', null);
line('CPU per GB TLS backend -> client', 'tlsDown', 's', null);
line('memory per idle connection', 'perIdle', 'KiB', 4, 1 / 1024);
process.exit(0);
