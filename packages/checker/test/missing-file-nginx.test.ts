/**
 * `--check-files` against real nginx: the oracle replaces every certificate and password file
 * with a stand-in, so these cases run `nginx -t` directly (in an empty network namespace, as the
 * benchmark does) on configurations whose files are really missing, and compare nginx's first
 * message and line with mailconf's verdict. Needs nginx with the mail module and root (unshare).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '@mailconf/syntax';
import { checkConfigSet, nginxVerdict } from '@mailconf/checker';
import { noteSkip } from '../../../test/support/shared.js';

const NGINX = '/usr/sbin/nginx';
const MAIL_MODULE = '/usr/lib/nginx/modules/ngx_mail_module.so';
const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';
const canRun = fs.existsSync(NGINX) && fs.existsSync(MAIL_MODULE) && fs.existsSync(STREAM_MODULE) && spawnSync('unshare', ['-n', 'true']).status === 0;
const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
if (!canRun) noteSkip('missing files vs nginx -t', 'nginx with the mail module, and unshare (root)');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-files-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes a configuration (the mail block given) and returns nginx's verdict and ours. */
function both(name: string, mail: string) {
  const prefix = path.join(dir, name);
  fs.mkdirSync(path.join(prefix, 'logs'), { recursive: true });
  const conf = path.join(prefix, 'nginx.conf');
  const modules = [MAIL_MODULE, ...(/^stream \{/m.test(mail) ? [STREAM_MODULE] : [])];
  const head = [...modules.map((m) => `load_module ${m};`), `pid ${path.join(prefix, 'nginx.pid')};`, 'error_log stderr;', 'events {}'];
  fs.writeFileSync(conf, [...head, mail, ''].join('\n'));
  const r = spawnSync('unshare', ['-n', NGINX, '-t', '-q', '-p', prefix, '-c', conf], { encoding: 'utf8' });
  const m = /\[(emerg|crit|alert)\] (?:\d+#\d+: )?(.*?)(?: in (\S+):(\d+))?$/m.exec(r.stderr);
  const nginx = r.status === 0 ? null : { message: m?.[2] ?? r.stderr, line: m?.[4] ? Number(m[4]) : null };
  const first = nginxVerdict(checkConfigSet(loadConfigFile(conf), { checkFiles: true, nginxVersion: '1.22.1' }).diagnostics);
  return { nginx, ours: first ? { message: first.nginx!.message, line: first.line, rule: first.ruleId } : null };
}

/** A real self-signed certificate and its key (made once). */
let made: { cert: string; key: string } | undefined;
function certificate(): { cert: string; key: string } {
  if (made) return made;
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=mailconf-test', '-days', '1', '-keyout', key, '-out', cert]);
  expect(r.status).toBe(0);
  return (made = { cert, key });
}

describe.skipIf(!canRun)('missing files: mailconf --check-files and nginx -t fail alike', () => {
  it('a missing certificate', () => {
    const { nginx, ours } = both('cert', `mail {\n auth_http 127.0.0.1:9000/auth;\n server {\n  listen 127.0.0.1:9993 ssl;\n  protocol imap;\n  ssl_certificate ${dir}/none.pem;\n  ssl_certificate_key ${dir}/none.key;\n }\n}`);
    expect(ours?.rule).toBe('missing-file');
    // nginx's SSL library appends its own reason after our words.
    expect(nginx!.message.startsWith(ours!.message)).toBe(true);
  });

  it('a missing password file, read while parsing even without TLS (on its line)', () => {
    const { nginx, ours } = both('password', `mail {\n auth_http 127.0.0.1:9000/auth;\n ssl_password_file pw.txt;\n server {\n  listen 127.0.0.1:9143;\n  protocol imap;\n }\n}`);
    expect(ours).toEqual({ message: nginx!.message, line: nginx!.line, rule: 'missing-file' });
  });

  it('certificates that are not loaded (no TLS server) are not reported by either', () => {
    const { nginx, ours } = both('unused', `mail {\n auth_http 127.0.0.1:9000/auth;\n ssl_certificate ${dir}/none.pem;\n ssl_certificate_key ${dir}/none.key;\n server {\n  listen 127.0.0.1:9143;\n  protocol imap;\n }\n}`);
    expect(nginx).toBeNull();
    expect(ours).toBeNull();
  });

  it.skipIf(!hasOpenssl)('session ticket key files: 48 or 80 bytes pass; 32 bytes or a missing file fail, on the line of the } ending mail {}', () => {
    const { cert, key } = certificate();
    const keyFile = (name: string, bytes: number) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, Buffer.alloc(bytes, 7));
      return file;
    };
    const server = (ticket: string) =>
      `mail {\n auth_http 127.0.0.1:9000/auth;\n server {\n  listen 127.0.0.1:9993 ssl;\n  protocol imap;\n  ssl_certificate ${cert};\n  ssl_certificate_key ${key};\n  ssl_session_ticket_key ${ticket};\n }\n\n}`;
    for (const bytes of [48, 80]) expect(both(`ticket-${bytes}`, server(keyFile(`ticket-${bytes}.key`, bytes)))).toEqual({ nginx: null, ours: null });
    for (const [name, ticket] of [
      ['ticket-32', keyFile('ticket-32.key', 32)],
      ['ticket-81', keyFile('ticket-81.key', 81)],
      ['ticket-missing', path.join(dir, 'none-ticket.key')],
    ]) {
      const { nginx, ours } = both(name!, server(ticket!));
      expect(ours).toEqual({ message: nginx!.message, line: nginx!.line, rule: 'missing-file' });
    }
  });

  describe.skipIf(!hasOpenssl)('http and stream servers whose TLS nginx sets up', () => {
    const same = (name: string, config: string) => {
      const { nginx, ours } = both(name, config);
      expect(ours?.rule, `${name}: nginx says ${nginx?.message}`).toBe('missing-file');
      // Where nginx's SSL library adds its reason, ours is the start of nginx's message.
      expect(nginx!.message.startsWith(ours!.message), `${nginx!.message} | ${ours!.message}`).toBe(true);
      if (nginx!.line !== null) expect(ours!.line).toBe(nginx!.line);
    };
    const http = (server: string, top = '') => `http {\n ${top}\n server {\n  listen 127.0.0.1:9443 ssl;\n${server}\n }\n\n}`;
    const stream = (server: string) => `stream {\n server {\n  listen 127.0.0.1:9465 ssl;\n  proxy_pass 127.0.0.1:25;\n${server}\n }\n}`;

    it('a missing certificate or key, the server\'s own or http {}\'s', () => {
      const { cert, key } = certificate();
      same('http-cert', http(`  ssl_certificate ${dir}/none.pem;\n  ssl_certificate_key ${key};`));
      same('http-key', http('', `ssl_certificate ${cert};\n ssl_certificate_key ${dir}/none.key;`));
    });

    it('pairs load in turn: the first certificate\'s missing key before a missing second certificate', () => {
      const { cert, key } = certificate();
      const { nginx, ours } = both('http-pairs', http(`  ssl_certificate ${cert};\n  ssl_certificate_key ${dir}/none-1.key;\n  ssl_certificate ${dir}/none-2.pem;\n  ssl_certificate_key ${key};`));
      expect(nginx!.message).toContain('none-1.key');
      expect(nginx!.message.startsWith(ours!.message)).toBe(true);
    });

    it('certificates named with variables are not loaded at start, by either', () => {
      expect(both('http-variables', http(`  ssl_certificate ${dir}/$ssl_server_name.pem;\n  ssl_certificate_key ${dir}/$ssl_server_name.key;`))).toEqual({ nginx: null, ours: null });
    });

    it('http loads a CRL without client verification; stream does not', () => {
      const { cert, key } = certificate();
      const files = `  ssl_certificate ${cert};\n  ssl_certificate_key ${key};\n  ssl_crl ${dir}/none.crl;`;
      same('http-crl', http(files));
      expect(both('stream-crl', stream(files))).toEqual({ nginx: null, ours: null });
    });

    it('a stream server: missing DH parameters; a 32-byte ticket key, on the line of the } ending stream {}', () => {
      const { cert, key } = certificate();
      same('stream-dh', stream(`  ssl_certificate ${cert};\n  ssl_certificate_key ${key};\n  ssl_dhparam ${dir}/none-dh.pem;`));
      const short = path.join(dir, 'stream-32.key');
      fs.writeFileSync(short, Buffer.alloc(32, 1));
      same('stream-ticket', stream(`  ssl_certificate ${cert};\n  ssl_certificate_key ${key};\n  ssl_session_ticket_key ${short};`));
      same('http-ticket', http(`  ssl_certificate ${cert};\n  ssl_certificate_key ${key};\n  ssl_session_ticket_key ${dir}/none-ticket.key;`));
    });

    it('ssl_stapling_file is loaded with ssl_stapling on, and only then', () => {
      const { cert, key } = certificate();
      const files = `  ssl_certificate ${cert};\n  ssl_certificate_key ${key};\n  ssl_stapling_file ${dir}/none.der;`;
      same('http-stapling', http(`${files}\n  ssl_stapling on;`));
      expect(both('http-no-stapling', http(files))).toEqual({ nginx: null, ours: null });
    });

    it('proxy_ssl_password_file is read while parsing, on its line, as ssl_password_file is', () => {
      const { nginx, ours } = both('proxy-password', http(`  location / {\n   proxy_pass https://127.0.0.1:9443;\n   proxy_ssl_password_file ${dir}/none-pw.txt;\n  }`));
      expect(ours).toEqual({ message: nginx!.message, line: nginx!.line, rule: 'missing-file' });
    });

    it('TLS to an upstream loads its client certificate, then (verifying) its CAs and CRL', () => {
      // A server without TLS of its own (listen without ssl), whose location talks TLS to its upstream.
      const web = (location: string) => `http {\n server {\n  listen 127.0.0.1:9080;\n${location}\n }\n}`;
      const tls = (inside: string) => web(`  location / {\n   proxy_pass https://127.0.0.1:9443;\n${inside}\n  }`);
      const cert = both('upstream-cert', tls(`   proxy_ssl_certificate ${dir}/none-client.pem;\n   proxy_ssl_certificate_key ${dir}/none-client.key;`));
      expect(cert.ours?.rule).toBe('missing-file');
      expect(cert.nginx!.message.startsWith(cert.ours!.message)).toBe(true);
      expect(cert.ours!.message).toBe(`cannot load certificate "${dir}/none-client.pem": BIO_new_file() failed`);
      const ca = both('upstream-ca', tls(`   proxy_ssl_verify on;\n   proxy_ssl_trusted_certificate ${dir}/none-ca.pem;`));
      expect(ca.nginx!.message.startsWith(ca.ours!.message)).toBe(true);
      expect(ca.ours!.message).toBe(`SSL_CTX_load_verify_locations("${dir}/none-ca.pem") failed`);
      // Not verifying: the CAs are never read.
      expect(both('upstream-no-verify', tls(`   proxy_ssl_trusted_certificate ${dir}/none-ca.pem;`))).toEqual({ nginx: null, ours: null });
      // A plain http upstream sets up no TLS: nothing is loaded.
      const plain = web(`  location / {\n   proxy_pass http://127.0.0.1:9081;\n   proxy_ssl_certificate ${dir}/none-client.pem;\n   proxy_ssl_certificate_key ${dir}/none-client.key;\n  }`);
      expect(both('upstream-plain', plain)).toEqual({ nginx: null, ours: null });
    });

    it.skipIf(!hasOpenssl)('TLS to an upstream: with real CAs, a missing CRL fails; stream proxy_ssl loads its certificate', () => {
      const { cert } = certificate();
      const web = (location: string) => `http {\n server {\n  listen 127.0.0.1:9080;\n${location}\n }\n}`;
      const crl = both('upstream-crl', web(`  location / {\n   grpc_pass grpcs://127.0.0.1:50051;\n   grpc_ssl_verify on;\n   grpc_ssl_trusted_certificate ${cert};\n   grpc_ssl_crl ${dir}/none.crl;\n  }`));
      expect(crl.nginx!.message.startsWith(crl.ours!.message)).toBe(true);
      expect(crl.ours!.message).toBe(`X509_LOOKUP_load_file("${dir}/none.crl") failed`);
      const stream = both('upstream-stream', `stream {\n proxy_ssl on;\n server {\n  listen 127.0.0.1:9465;\n  proxy_pass 127.0.0.1:465;\n  proxy_ssl_certificate ${dir}/none-client.pem;\n  proxy_ssl_certificate_key ${dir}/none-client.key;\n }\n}`);
      expect(stream.nginx!.message.startsWith(stream.ours!.message)).toBe(true);
      expect(stream.ours!.rule).toBe('missing-file');
    });

    it('a server without a certificate sets up no TLS and loads nothing', () => {
      expect(both('http-plain', `http {\n ssl_dhparam ${dir}/none-dh.pem;\n server {\n  listen 127.0.0.1:9080;\n }\n}`)).toEqual({ nginx: null, ours: null });
    });
  });

  it.skipIf(!hasOpenssl)('a real certificate and key pass; a missing DH file then fails', () => {
    const { cert, key } = certificate();
    const server = `server {\n  listen 127.0.0.1:9993 ssl;\n  protocol imap;\n  ssl_certificate ${cert};\n  ssl_certificate_key ${key};\n`;
    const ok = both('real', `mail {\n auth_http 127.0.0.1:9000/auth;\n ${server} }\n}`);
    expect(ok).toEqual({ nginx: null, ours: null });
    const dh = both('dh', `mail {\n auth_http 127.0.0.1:9000/auth;\n ${server}  ssl_dhparam ${dir}/none-dh.pem;\n }\n}`);
    expect(dh.ours?.rule).toBe('missing-file');
    expect(dh.nginx!.message.startsWith(dh.ours!.message)).toBe(true);
  });
});
