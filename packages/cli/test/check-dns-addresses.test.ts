/**
 * `mailconf lint --check-dns` reads a listen's host name as the addresses it resolves to, as
 * nginx does: a name that gives an address another listen has is a duplicate pair (mail, stream)
 * or "a duplicate listen" (http), and up to 1.23.2 so is a name that gives one address twice
 * (config-checks.md C10).
 *
 * Both run in one namespace with a hosts file of the test's own (mounted over /etc/hosts), so
 * getaddrinfo answers the same to nginx and to mailconf: real nginx -t 1.22.1, and the built
 * command (`bin/mailconf.js`, which must run inside the namespace to resolve there). nginx's
 * first error, its words and line, must be what `mailconf lint --nginx` says. Needs nginx with
 * the mail and stream modules, root (unshare, mount) and `ip`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { noteSkip } from '../../../test/support/shared.js';

const NGINX = '/usr/sbin/nginx';
const MODULES = ['/usr/lib/nginx/modules/ngx_mail_module.so', '/usr/lib/nginx/modules/ngx_stream_module.so'];
const BIN = fileURLToPath(new URL('../bin/mailconf.js', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../dist/bundle/mailconf.cjs', import.meta.url));
const canRun =
  fs.existsSync(NGINX) &&
  MODULES.every((m) => fs.existsSync(m)) &&
  fs.existsSync(BUNDLE) &&
  spawnSync('unshare', ['-mn', 'sh', '-c', 'ip link set lo up && mount --bind /etc/hosts /etc/hosts']).status === 0;
if (!canRun) noteSkip('resolved listen addresses vs nginx -t', 'nginx with the mail and stream modules, the built CLI (npm run build), and unshare, mount and ip (root)');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-dns-addresses-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// RFC 6724 puts ::1 first of multi.test's addresses, as glibc sorts them.
const HOSTS = path.join(dir, 'hosts');
fs.writeFileSync(
  HOSTS,
  [
    '127.0.0.1 localhost',
    '::1 localhost',
    '127.0.0.1 twice.test',
    '127.0.0.1 twice.test',
    '127.0.0.2 multi.test',
    '::1 multi.test',
    '127.0.0.3 multi.test',
    '192.0.2.44 far.test',
    '',
  ].join('\n'),
);

/** Runs a command in a fresh network and mount namespace: loopback up, our hosts file in place. */
function inNamespace(cmd: string[]): { status: number | null; stdout: string; stderr: string } {
  const script = 'ip link set lo up && mount --bind "$0" /etc/hosts && exec "$@"';
  return spawnSync('unshare', ['-mn', 'sh', '-c', script, HOSTS, ...cmd], { encoding: 'utf8' });
}

function both(name: string, body: string, version = '1.22.1', flags: string[] = []) {
  const prefix = path.join(dir, name);
  fs.mkdirSync(path.join(prefix, 'logs'), { recursive: true });
  const conf = path.join(prefix, 'nginx.conf');
  fs.writeFileSync(conf, [...MODULES.map((m) => `load_module ${m};`), `pid ${path.join(prefix, 'nginx.pid')};`, 'error_log stderr;', 'events {}', body, ''].join('\n'));
  const n = inNamespace([NGINX, '-t', '-q', '-p', prefix, '-c', conf]);
  const m = /\[(emerg|crit|alert)\] (?:\d+#\d+: )?(.*?)(?: in (\S+):(\d+))?$/m.exec(n.stderr);
  const nginx = n.status === 0 ? null : { message: m?.[2] ?? n.stderr, line: m?.[4] ? Number(m[4]) : null };
  const r = inNamespace([process.execPath, BIN, 'lint', '--check-dns', ...flags, '--nginx', '--nginx-version', version, '--format', 'json', conf]);
  const first = (JSON.parse(r.stdout) as { line: number; message: string; nginx: { message: string } | null }[])[0];
  return { nginx, ours: first ? { message: first.nginx!.message, line: first.line } : null, hint: first?.message ?? null };
}

const mail = (...servers: string[]) => `mail {\n auth_http 127.0.0.1:9000/auth;\n${servers.map((s) => ` server {\n  protocol imap;\n  ${s}\n }`).join('\n')}\n}`;

const CASES: [string, string][] = [
  ['a name giving one address twice (C10)', mail('listen twice.test:9143;')],
  ['a name giving the address of a later listen', mail('listen multi.test:9143;', 'listen 127.0.0.3:9143;')],
  ['a name giving the address of an earlier listen', mail('listen 127.0.0.3:9143;', 'listen multi.test:9143;')],
  ['a name giving an IPv6 address listened on', mail('listen [::1]:9143;', 'listen multi.test:9143;')],
  ['two names giving one address', mail('listen multi.test:9143;', 'listen localhost:9143;')],
  ['stream: a name giving one address twice', 'stream {\n server {\n  listen twice.test:9465;\n  proxy_pass 127.0.0.1:25;\n }\n}'],
  [
    'stream: a name giving the address of another listen',
    'stream {\n server {\n  listen multi.test:9465;\n  proxy_pass 127.0.0.1:25;\n }\n server {\n  listen 127.0.0.2:9465;\n  proxy_pass 127.0.0.1:25;\n }\n}',
  ],
  ['http: a name giving one address twice', 'http {\n server {\n  listen twice.test:9080;\n }\n}'],
  ['http: a name and an address of one server', 'http {\n server {\n  listen multi.test:9080;\n  listen 127.0.0.2:9080;\n }\n}'],
];

describe.skipIf(!canRun)('listen host names resolved: mailconf lint --check-dns and nginx -t agree', () => {
  for (const [name, body] of CASES) {
    it(name, () => {
      const { nginx, ours } = both(name.replace(/\W+/g, '-'), body);
      expect(nginx?.message).toMatch(/duplicate/);
      expect(ours).toEqual(nginx);
    });
  }

  it('names whose addresses no other listen has pass both', () => {
    const body = [
      mail('listen multi.test:9143;', 'listen 127.0.0.9:9143;'),
      'http {\n server {\n  listen multi.test:9080;\n }\n server {\n  listen 127.0.0.2:9081;\n }\n}',
      'stream {\n server {\n  listen multi.test:9465;\n  proxy_pass 127.0.0.1:25;\n }\n}',
    ].join('\n');
    expect(both('passing', body)).toMatchObject({ nginx: null, ours: null });
  });

  it('with --check-sockets, the sockets of the addresses a name resolves to are tried', () => {
    const r = both('sockets', mail('listen multi.test:9143;', 'listen far.test:9144;'), '1.22.1', ['--check-sockets']);
    expect(r.nginx).toEqual({ message: 'bind() to 192.0.2.44:9144 failed (99: Cannot assign requested address)', line: null });
    expect(r.ours?.message).toBe(r.nginx!.message);
  });

  it('says which name resolved to the address, and that 1.23.3 drops a repeat', () => {
    expect(both('hint-repeat', mail('listen twice.test:9143;')).hint).toContain('"twice.test" resolves to 127.0.0.1 more than once on this machine');
    expect(both('hint-other', mail('listen multi.test:9143;', 'listen 127.0.0.3:9143;')).hint).toContain('"multi.test" resolves to 127.0.0.3 on this machine');
    // From 1.23.3 (source: "Filtering duplicate addresses in listen") a repeat is dropped.
    expect(both('newest-repeat', mail('listen twice.test:9143;'), '1.23.3').ours).toBeNull();
    expect(both('newest-http-repeat', 'http {\n server {\n  listen twice.test:9080;\n }\n}', '1.23.3').ours).toBeNull();
    expect(both('newest-other', mail('listen multi.test:9143;', 'listen 127.0.0.3:9143;'), '1.23.3').ours).toMatchObject({
      message: 'duplicate "127.0.0.3:9143" address and port pair',
    });
  });
});
