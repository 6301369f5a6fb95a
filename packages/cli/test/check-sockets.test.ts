/**
 * `mailconf lint --check-sockets` tries the mail listening sockets nginx opens at start-up and
 * reports those that cannot be opened as `nginx -t` does (config-checks.md C12).
 *
 * Both run in one fresh network namespace with only loopback up, so the machine has 127.0.0.0/8
 * and ::1 and nothing else: real nginx -t 1.22.1, and the built command (`bin/mailconf.js`, which
 * must run inside the namespace to bind there). nginx's first error, its words and line, must be
 * what `mailconf lint --nginx` says. The privileged-port case runs both as an unprivileged user.
 * Needs nginx with the mail module, root (unshare), `ip` and, for that case, `setpriv`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { noteSkip } from '../../../test/support/shared.js';

const NGINX = '/usr/sbin/nginx';
const MAIL_MODULE = '/usr/lib/nginx/modules/ngx_mail_module.so';
const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';
const BIN = fileURLToPath(new URL('../bin/mailconf.js', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../dist/bundle/mailconf.cjs', import.meta.url));
const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
const canRun =
  fs.existsSync(NGINX) &&
  fs.existsSync(MAIL_MODULE) &&
  fs.existsSync(STREAM_MODULE) &&
  fs.existsSync(BUNDLE) &&
  spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up']).status === 0;
if (!canRun) noteSkip('listen sockets vs nginx -t', 'nginx with the mail and stream modules, the built CLI (npm run build), and unshare and ip (root)');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-sockets-'));
fs.chmodSync(dir, 0o755);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Whether an unprivileged user can run both here (setpriv, and the repository readable by anyone). */
const asNobody = canRun && spawnSync(NOBODY[0]!, [...NOBODY.slice(1), process.execPath, '-e', `require('fs').accessSync(${JSON.stringify(BUNDLE)})`]).status === 0;

function inNamespace(cmd: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', ...cmd], { encoding: 'utf8', env });
}

function both(name: string, body: string, opts: { nobody?: boolean } = {}) {
  const prefix = path.join(dir, name);
  fs.mkdirSync(path.join(prefix, 'logs'), { recursive: true });
  // An unprivileged nginx -t writes its pid and logs under the prefix; a compile cache of its own for node.
  if (opts.nobody) for (const p of [prefix, path.join(prefix, 'logs')]) fs.chmodSync(p, 0o777);
  const conf = path.join(prefix, 'nginx.conf');
  fs.writeFileSync(
    conf,
    [`load_module ${MAIL_MODULE};`, `load_module ${STREAM_MODULE};`, `pid ${path.join(prefix, 'nginx.pid')};`, 'error_log stderr;', 'events {}', body, ''].join('\n'),
  );
  const as = opts.nobody ? NOBODY : [];
  const n = inNamespace([...as, NGINX, '-t', '-q', '-p', prefix, '-c', conf]);
  const m = /\[(emerg|crit|alert)\] (?:\d+#\d+: )?(.*?)(?: in (\S+):(\d+))?$/m.exec(n.stderr);
  const nginx = n.status === 0 ? null : { message: m?.[2] ?? n.stderr, line: m?.[4] ? Number(m[4]) : null };
  const env = { ...process.env, NODE_COMPILE_CACHE: path.join(prefix, 'node-cache') };
  const r = inNamespace([...as, process.execPath, BIN, 'lint', '--check-sockets', '--nginx', '--nginx-version', '1.22.1', '--format', 'json', conf], env);
  const first = (JSON.parse(r.stdout) as { line: number; nginx: { message: string } | null }[])[0];
  // nginx gives socket errors no line (they come after the configuration is read); ours are at the listen.
  return { nginx, ours: first ? { message: first.nginx!.message, line: nginx?.line === null ? null : first.line } : null, line: first?.line ?? null };
}

const mail = (...servers: string[]) => `mail {\n auth_http 127.0.0.1:9000/auth;\n${servers.map((s) => ` server {\n  protocol imap;\n  ${s}\n }`).join('\n')}\n}`;

const CASES: [string, string, number][] = [
  ['an address the machine does not have', mail('listen 192.0.2.1:9143;'), 10],
  ['an IPv6 address the machine does not have', mail('listen [::1]:9143;', 'listen [2001:db8::1]:9143;'), 14],
  ['an address with bind beside the wildcard of its port', mail('listen 9143;', 'listen 192.0.2.1:9143 bind;'), 14],
  ['a parameter that implies bind', mail('listen 9143;', 'listen 192.0.2.1:9143 backlog=64;'), 14],
  ['a unix socket in a missing directory', mail('listen unix:/nonexistent/mailconf/imap.sock;'), 10],
  ['a unix socket path ending in "/"', mail(`listen unix:${path.join(dir, 'none.sock')}/;`), 10],
  // Bound port by port in the order ports are first listened on, on a port the bind ones first.
  ['the first port listened on first', mail('listen 127.0.0.1:9150;', 'listen 192.0.2.5:9151;', 'listen 192.0.2.6:9152;'), 14],
  ['on one port, addresses with bind first', mail('listen 192.0.2.8:9160;', 'listen 192.0.2.9:9160 bind;'), 14],
  ['http: an address the machine does not have', 'http {\n server {\n  listen 9080;\n }\n server {\n  listen 192.0.2.1:9081;\n }\n}', 11],
  ['http: an address with a socket option beside the wildcard', 'http {\n server {\n  listen 9080;\n }\n server {\n  listen 192.0.2.1:9080 reuseport;\n }\n}', 11],
  ['stream: an address the machine does not have', 'stream {\n server {\n  listen 192.0.2.1:9465;\n  proxy_pass 127.0.0.1:25;\n }\n}', 8],
  ['stream: a udp listen', 'stream {\n server {\n  listen [2001:db8::5]:9053 udp;\n  proxy_pass 127.0.0.1:53;\n }\n}', 8],
  // Each block opens its sockets when it is read to its end: the earlier block's fail first.
  ['blocks in the order they are read', `http {\n server {\n  listen 192.0.2.7:9080;\n }\n}\n${mail('listen 192.0.2.1:9143;')}`, 8],
];

describe.skipIf(!canRun)('listen sockets that cannot be opened: mailconf lint --check-sockets and nginx -t agree', () => {
  for (const [name, body, line] of CASES) {
    it(name, () => {
      const r = both(name.replace(/\W+/g, '-'), body);
      expect(r.nginx?.message).toMatch(/^bind\(\) to .* failed \(\d+: /);
      expect(r.ours).toEqual(r.nginx);
      expect(r.line).toBe(line);
    });
  }

  it('sockets that can be opened, and addresses a wildcard takes in, pass both', () => {
    const body = [
      mail('listen 127.0.0.1:9143;', 'listen [::1]:9143;', 'listen 9144;', 'listen 192.0.2.1:9144;', `listen unix:${path.join(dir, 'imap.sock')};`),
      'http {\n server {\n  listen 9080;\n  listen [::1]:9080;\n }\n server {\n  listen 192.0.2.1:9080;\n }\n server {\n  server_name other;\n }\n}',
      'stream {\n server {\n  listen 127.0.0.2:9465;\n  proxy_pass 127.0.0.1:25;\n }\n server {\n  listen 9053 udp;\n  proxy_pass 127.0.0.1:53;\n }\n}',
    ].join('\n');
    expect(both('passing', body)).toMatchObject({ nginx: null, ours: null });
  });

  // An http server without listen has *:80 as root, *:8000 otherwise: a wildcard that takes in its port's addresses.
  it('an http server without listen: its wildcard takes in the addresses of port 80', () => {
    const body = 'http {\n server {\n  server_name a;\n }\n server {\n  listen 192.0.2.1:80;\n }\n}';
    expect(both('without-listen', body)).toMatchObject({ nginx: null, ours: null });
    const bound = both('without-listen-bind', body.replace('192.0.2.1:80;', '192.0.2.1:80 bind;'));
    expect(bound.nginx?.message).toBe('bind() to 192.0.2.1:80 failed (99: Cannot assign requested address)');
    expect(bound.ours).toEqual(bound.nginx);
  });

  it.skipIf(!asNobody)('an http server without listen, for a user without the privilege: *:8000', () => {
    // The access log nginx opens by default is root's.
    const body = (port: number) => `http {\n access_log off;\n server {\n  server_name a;\n }\n server {\n  listen 192.0.2.1:${port};\n }\n}`;
    expect(both('without-listen-nobody', body(8000), { nobody: true })).toMatchObject({ nginx: null, ours: null });
    const other = both('without-listen-nobody-80', body(80), { nobody: true });
    expect(other.nginx?.message).toBe('bind() to 192.0.2.1:80 failed (99: Cannot assign requested address)');
    expect(other.ours).toEqual(other.nginx);
  });

  it.skipIf(!asNobody)('a port below 1024 for a user without the privilege', () => {
    const r = both('privileged', mail('listen 127.0.0.1:9143;', 'listen 127.0.0.1:143;'), { nobody: true });
    expect(r.nginx).toEqual({ message: 'bind() to 127.0.0.1:143 failed (13: Permission denied)', line: null });
    expect(r.ours).toEqual(r.nginx);
  });

  it('says nothing of sockets without --check-sockets', () => {
    const conf = path.join(dir, 'plain.conf');
    fs.writeFileSync(conf, `events {}\n${mail('listen 192.0.2.1:9143;')}\n`);
    const r = inNamespace([process.execPath, BIN, 'lint', '--nginx', '--format', 'json', conf]);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });
});
