/**
 * Host names nginx resolves while it reads the configuration (CheckOptions.resolveHost,
 * `mailconf lint --check-dns`): listen, auth_http, resolver, upstream servers, and the upstreams
 * a proxy_pass makes. Against real nginx in an empty network namespace, where `localhost`
 * resolves (/etc/hosts) and no `.invalid` name does: the first error, its words and line, must
 * be nginx's. The resolver given to the checker says the same of those names. Needs nginx with
 * the mail and stream modules and root (unshare).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigFile, loadConfigText } from '@mailconf/syntax';
import { checkConfigSet, nginxVerdict, type CheckOptions } from '@mailconf/checker';
import { noteSkip } from '../../../test/support/shared.js';

const NGINX = '/usr/sbin/nginx';
const MODULES = ['/usr/lib/nginx/modules/ngx_mail_module.so', '/usr/lib/nginx/modules/ngx_stream_module.so'];
const canRun = fs.existsSync(NGINX) && MODULES.every((m) => fs.existsSync(m)) && spawnSync('unshare', ['-n', 'true']).status === 0;
if (!canRun) noteSkip('host names vs nginx -t', 'nginx with the mail and stream modules, and unshare (root)');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-dns-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** What the namespace's resolver answers: /etc/hosts only. */
const resolveHost = (host: string) => !host.toLowerCase().endsWith('.invalid');

function both(name: string, body: string) {
  const prefix = path.join(dir, name);
  fs.mkdirSync(path.join(prefix, 'logs'), { recursive: true });
  const conf = path.join(prefix, 'nginx.conf');
  fs.writeFileSync(conf, [...MODULES.map((m) => `load_module ${m};`), `pid ${path.join(prefix, 'nginx.pid')};`, 'error_log stderr;', ...(/^events \{/m.test(body) ? [] : ['events {}']), body, ''].join('\n'));
  const r = spawnSync('unshare', ['-n', NGINX, '-t', '-q', '-p', prefix, '-c', conf], { encoding: 'utf8' });
  const m = /\[(emerg|crit|alert)\] (?:\d+#\d+: )?(.*?)(?: in (\S+):(\d+))?$/m.exec(r.stderr);
  const nginx = r.status === 0 ? null : { message: m?.[2] ?? r.stderr, line: m?.[4] ? Number(m[4]) : null };
  const first = nginxVerdict(checkConfigSet(loadConfigFile(conf), { nginxVersion: '1.22.1', resolveHost }).diagnostics);
  return { nginx, ours: first ? { message: first.nginx!.message, line: first.line } : null };
}

const mail = (inside: string, top = 'auth_http 127.0.0.1:9000/auth;') => `mail {\n ${top}\n server {\n  protocol imap;\n${inside}\n }\n}`;
const http = (inside: string, top = '') => `http {\n ${top}\n server {\n  listen 127.0.0.1:9080;\n${inside}\n }\n}`;
const stream = (inside: string, top = '') => `stream {\n ${top}\n server {\n  listen 127.0.0.1:9465;\n${inside}\n }\n}`;

const CASES: [string, string][] = [
  ['mail listen', mail('  listen mail.invalid:9143;')],
  ['auth_http', mail('  listen 127.0.0.1:9143;', 'auth_http http://auth.invalid:9000/auth;')],
  ['mail resolver', mail('  listen 127.0.0.1:9143;\n  resolver localhost dns.invalid;')],
  ['http resolver', http('', 'resolver dns.invalid:5353 valid=30s;')],
  ['upstream server', http('  location / { proxy_pass http://app; }', 'upstream app { server localhost:8081; server app.invalid:8080 backup; }')],
  ['proxy_pass upstream', http('  location / { proxy_pass http://localhost:9001; }\n  location /b { proxy_pass http://backend.invalid; }\n  location /c { proxy_pass https://other.invalid:8443/x; }')],
  ['stream upstream server', stream('  proxy_pass app;', 'upstream app { server smtp.invalid:25; }')],
  ['stream proxy_pass', stream('  proxy_pass smtp.invalid:25;')],
  ['set_real_ip_from', mail('  listen 127.0.0.1:9143 proxy_protocol;\n  set_real_ip_from localhost;\n  set_real_ip_from lb.invalid;')],
  ['debug_connection', 'events {\n debug_connection localhost;\n debug_connection admin.invalid;\n}'],
  ['stream set_real_ip_from', stream('  proxy_pass 127.0.0.1:25;\n  set_real_ip_from proxy.invalid;')],
  ['fastcgi_pass and grpc_pass', http('  location / { fastcgi_pass localhost:9000; }\n  location /g { grpc_pass grpc://grpc.invalid:50051; }')],
  ['syslog servers', http('  access_log syslog:server=localhost:514;\n  access_log syslog:server=logs.invalid:514,tag=web;', 'error_log syslog:server=localhost;')],
  ['mail error_log to syslog', mail('  listen 127.0.0.1:9143;\n  error_log syslog:server=mail-logs.invalid;')],
  ['http listen', 'http {\n server {\n  listen localhost:9080;\n }\n server {\n  listen web.invalid:9081;\n }\n}'],
  ['stream listen', 'stream {\n server {\n  listen tcp.invalid:9465;\n  proxy_pass 127.0.0.1:25;\n }\n}'],
];

describe.skipIf(!canRun)('host names that do not resolve: mailconf and nginx -t fail alike', () => {
  for (const [name, body] of CASES) {
    it(name, () => {
      const { nginx, ours } = both(name.replaceAll(' ', '-'), body);
      expect(nginx?.message).toMatch(/^host not found in /);
      expect(ours).toEqual(nginx);
    });
  }

  it('names that resolve pass both', () => {
    const body = [
      mail('  listen localhost:9143;\n  resolver localhost;', 'auth_http localhost:9000/auth;'),
      http('  location / { proxy_pass http://localhost:9001; }', 'upstream app { server localhost:8081; }'),
      stream('  proxy_pass localhost:25;'),
    ].join('\n');
    expect(both('resolving', body)).toEqual({ nginx: null, ours: null });
    expect(both('resolving-events', 'events {\n debug_connection localhost;\n}')).toEqual({ nginx: null, ours: null });
  });
});

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

describe.skipIf(!canRun || !hasOpenssl)('the OCSP responder of client certificates (ssl_ocsp), resolved when http {} is read', () => {
  it('a responder whose name does not resolve fails both, with no line', () => {
    // nginx loads the certificates before it reads the responder: real ones, self-signed.
    const cert = path.join(dir, 'ocsp-cert.pem');
    const key = path.join(dir, 'ocsp-key.pem');
    expect(spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=mailconf-test', '-days', '1', '-keyout', key, '-out', cert]).status).toBe(0);
    const tls = `  listen 127.0.0.1:9443 ssl;\n  ssl_certificate ${cert};\n  ssl_certificate_key ${key};\n  ssl_verify_client on;\n  ssl_client_certificate ${cert};\n  ssl_ocsp on;`;
    const failing = both('ocsp', `http {\n server {\n${tls}\n  ssl_ocsp_responder http://ocsp.invalid:8080/check;\n }\n}`);
    expect(failing.nginx).toEqual({ message: 'host not found in OCSP responder "ocsp.invalid:8080/check" in "ssl_ocsp_responder"', line: null });
    expect(failing.ours?.message).toBe(failing.nginx!.message);
    expect(both('ocsp-ok', `http {\n server {\n${tls}\n  ssl_ocsp_responder http://localhost:8080/check;\n }\n}`)).toEqual({ nginx: null, ours: null });
  });
});

describe('without a resolver, or with one that finds every name', () => {
  const text = ['events {}', ...CASES.map(([, body]) => body)].join('\n');
  const hostErrors = (options: CheckOptions) =>
    checkConfigSet(loadConfigText(text, '/x/nginx.conf'), { nginxVersion: '1.22.1', ...options })
      .diagnostics.filter((d) => d.message.startsWith('host not found'))
      .map((d) => d.nginx?.message);

  it('reports no host name: nothing is known of them', () => {
    expect(hostErrors({})).toEqual([]);
    expect(hostErrors({ resolveHost: () => true })).toEqual([]);
  });

  it('reports each name the resolver does not find, once', () => {
    expect(hostErrors({ resolveHost })).toEqual([
      'host not found in "mail.invalid:9143" of the "listen" directive',
      'host not found in auth_http "auth.invalid:9000/auth"',
      'host not found in resolver "dns.invalid"',
      'host not found in resolver "dns.invalid:5353"',
      'host not found in upstream "app.invalid:8080"',
      'host not found in upstream "backend.invalid"',
      'host not found in upstream "other.invalid"',
      'host not found in upstream "smtp.invalid:25"',
      'host not found in upstream "smtp.invalid"',
      'host not found in set_real_ip_from "lb.invalid"',
      'host not found in debug_connection "admin.invalid"',
      'host not found in set_real_ip_from "proxy.invalid"',
      'host not found in upstream "grpc.invalid"',
      'host not found in syslog server "logs.invalid:514"',
      'host not found in syslog server "mail-logs.invalid"',
      'host not found in "web.invalid:9081" of the "listen" directive',
      'host not found in "tcp.invalid:9465" of the "listen" directive',
    ]);
  });
});
