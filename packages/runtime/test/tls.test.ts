/**
 * TLS: implicit TLS and STARTTLS/STLS, the Auth-SSL-* headers, client certificates
 * (`ssl_verify_client`), ALPN. Certificates are made with openssl (skipped without it).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from './helpers/client.js';
import { which } from './helpers/external.js';
import { startWorld, type World } from './helpers/world.js';

const openssl = which('openssl');
if (!openssl) console.log('tls: skipped, openssl is not installed');

/** Reads lines from a TLS socket. */
function lines(t: tls.TLSSocket) {
  let buf = '';
  const waiters: (() => void)[] = [];
  t.on('data', (d) => {
    buf += d.toString('latin1');
    waiters.splice(0).forEach((w) => w());
  });
  return async (): Promise<string> => {
    for (let i = 0; i < 200 && !buf.includes('\r\n'); i++) await new Promise<void>((r) => (waiters.push(r), setTimeout(r, 20)));
    const at = buf.indexOf('\r\n') + 2;
    const line = buf.slice(0, at);
    buf = buf.slice(at);
    return line;
  };
}

describe.skipIf(!openssl)('TLS', () => {
  let dir: string;
  let w: World;
  const crt = (n: string) => path.join(dir, `${n}.crt`);
  const key = (n: string) => path.join(dir, `${n}.key`);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-tls-'));
    for (const [n, cn] of [
      ['server', 'mail.example.test'],
      ['client', 'client.example.test'],
    ]) {
      execFileSync(openssl!, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', `/CN=${cn}`, '-keyout', key(n!), '-out', crt(n!)], { stdio: 'ignore' });
    }
    const certs = `ssl_certificate ${crt('server')}; ssl_certificate_key ${key('server')}`;
    w = await startWorld([
      { protocol: 'imap', ssl: true, directives: certs },
      { protocol: 'imap', directives: `${certs}; starttls only` },
      { protocol: 'pop3', ssl: true, directives: `${certs}; ssl_verify_client optional_no_ca; auth_http_pass_client_cert on` },
      { protocol: 'smtp', ssl: true, directives: `${certs}; ssl_verify_client on; ssl_client_certificate ${crt('server')}` },
    ]);
  }, 30_000);
  afterAll(async () => {
    await w?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const connect = (port: number, opts: tls.ConnectionOptions = {}) =>
    new Promise<tls.TLSSocket>((resolve, reject) => {
      const t = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false, maxVersion: 'TLSv1.2', ...opts }, () => resolve(t));
      t.once('error', reject);
    });

  it('implicit TLS: greeting after the handshake, Auth-SSL headers', async () => {
    const t = await connect(w.ports[0]!);
    const read = lines(t);
    expect(await read()).toBe('* OK IMAP4 ready\r\n');
    t.write('a1 STARTTLS\r\n');
    expect(await read()).toBe('a1 BAD invalid command\r\n');
    t.write('a2 LOGIN test secret\r\n');
    expect(await read()).toBe('a2 OK Logged in\r\n');
    const cipher = t.getCipher().name;
    t.destroy();
    const req = w.auth.requests.at(-1)!.lines;
    expect(req).toEqual(expect.arrayContaining(['Auth-SSL: on', 'Auth-SSL-Protocol: TLSv1.2', `Auth-SSL-Cipher: ${cipher}`]));
    expect(req.some((l) => l.startsWith('Auth-SSL-Verify'))).toBe(false);
  });

  it('STARTTLS under "starttls only": refused logins before, pipelined plaintext dropped, logins after', async () => {
    const c = await TestClient.connect(w.ports[1]!);
    expect(await c.read()).toBe('* OK IMAP4 ready\r\n');
    c.send('a1 LOGIN test secret\r\n');
    expect(await c.read()).toBe('a1 BAD invalid command\r\n');
    c.send('a2 STARTTLS\r\na3 NOOP\r\n');
    expect(await c.read()).toBe('a2 OK completed\r\n');
    const t = await new Promise<tls.TLSSocket>((resolve) => {
      const s = tls.connect({ socket: c.socket, rejectUnauthorized: false }, () => resolve(s));
    });
    const read = lines(t);
    t.write('a4 CAPABILITY\r\n');
    expect(await read()).toBe('* CAPABILITY IMAP4 IMAP4rev1 UIDPLUS AUTH=PLAIN\r\n');
    expect(await read()).toBe('a4 OK completed\r\n');
    t.write('a5 LOGIN test secret\r\n');
    expect(await read()).toBe('a5 OK Logged in\r\n');
    t.destroy();
    expect(w.log().some((l) => l.includes('client logged in, client: 127.0.0.1 using starttls,'))).toBe(true);
  });

  it('optional_no_ca: a self-signed client certificate is described to the auth server', async () => {
    const t = await connect(w.ports[2]!, { cert: fs.readFileSync(crt('client')), key: fs.readFileSync(key('client')) });
    const read = lines(t);
    expect(await read()).toBe('+OK POP3 ready\r\n');
    t.write('USER test\r\nPASS secret\r\n');
    expect(await read()).toBe('+OK\r\n');
    expect(await read()).toBe('+OK Logged in.\r\n');
    t.destroy();
    const req = w.auth.requests.at(-1)!.lines;
    expect(req).toContain('Auth-SSL-Verify: FAILED:self-signed certificate');
    expect(req).toContain('Auth-SSL-Subject: CN=client.example.test');
    const cert = req.find((l) => l.startsWith('Auth-SSL-Cert: '))!;
    expect(decodeURIComponent(cert.slice(15))).toBe(fs.readFileSync(crt('client'), 'latin1'));
  });

  it('ssl_verify_client on: no certificate, or an untrusted one, gets the protocol\'s refusal', async () => {
    let t = await connect(w.ports[3]!);
    expect(await lines(t)()).toBe('421 4.7.1 No required SSL certificate\r\n');
    t.destroy();
    t = await connect(w.ports[3]!, { cert: fs.readFileSync(crt('client')), key: fs.readFileSync(key('client')) });
    expect(await lines(t)()).toBe('421 4.7.1 SSL certificate error\r\n');
    t.destroy();
    const log = w.log().join('\n');
    expect(log).toContain('client sent no required SSL certificate while SSL handshaking');
    expect(log).toContain('client SSL certificate verify error: (18:self-signed certificate) while SSL handshaking');
  });

  it('ALPN: the protocol\'s own name is selected, another is refused', async () => {
    const t = await connect(w.ports[0]!, { ALPNProtocols: ['imap'] });
    expect(t.alpnProtocol).toBe('imap');
    t.destroy();
    await expect(connect(w.ports[0]!, { ALPNProtocols: ['pop3'] })).rejects.toThrow(/no application protocol/);
    await new Promise((r) => setTimeout(r, 100));
    expect(w.log().some((l) => l.includes('SSL_do_handshake() failed (SSL: error:0A0000EB:SSL routines::no application protocol) while SSL handshaking'))).toBe(true);
  });
});
