/**
 * TLS at the edges, in process: handshakes that stall (nothing, or part of a ClientHello)
 * are closed at the session's `timeout` without a log line, as nginx's handshake handler
 * does; plaintext pipelined after STARTTLS/STLS (the command-injection class) is dropped
 * with the command buffer, and what did not fit the buffer goes to the handshake, as with
 * nginx; `ssl_protocols` and `ssl_ciphers` are applied; a PROXY header and the ClientHello
 * in one packet; after the handshake, a damaged record or a client renegotiation ends the
 * session. After each case every connection has been let go and the proxy still
 * serves. Certificates are made with openssl (skipped without it).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TestClient } from './helpers/client.js';
import { which } from './helpers/external.js';
import { expectReleased, resources, type Resources } from './helpers/leaks.js';
import { startWorld, type World } from './helpers/world.js';

const openssl = which('openssl');
if (!openssl) console.log('tls-edges: skipped, openssl is not installed');

/** The first bytes of a ClientHello: a handshake record announcing 512 bytes, then 6 of them. */
const PARTIAL_CLIENT_HELLO = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]);

/** Reads CRLF lines from a TLS socket. */
function lines(t: tls.TLSSocket) {
  let buf = '';
  let closed = false;
  const waiters: (() => void)[] = [];
  t.on('data', (d) => {
    buf += d.toString('latin1');
    waiters.splice(0).forEach((w) => w());
  });
  t.on('close', () => {
    closed = true;
    waiters.splice(0).forEach((w) => w());
  });
  return async (ms = 3000): Promise<string> => {
    const end = Date.now() + ms;
    while (!buf.includes('\r\n') && !closed && Date.now() < end) await new Promise<void>((r) => (waiters.push(r), setTimeout(r, 20)));
    if (!buf.includes('\r\n')) return '';
    const at = buf.indexOf('\r\n') + 2;
    const line = buf.slice(0, at);
    buf = buf.slice(at);
    return line;
  };
}

/** TLS over a connection that already spoke plaintext (after STARTTLS). */
function secure(socket: net.Socket, opts: tls.ConnectionOptions = {}): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const t = tls.connect({ socket, rejectUnauthorized: false, ...opts }, () => resolve(t));
    t.once('error', reject);
  });
}

function connectTls(port: number, opts: tls.ConnectionOptions = {}): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const t = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false, ...opts }, () => resolve(t));
    t.once('error', reject);
  });
}

async function closedWithin(c: TestClient, ms: number): Promise<number> {
  const start = Date.now();
  expect(await c.waitClosed(ms)).toBe(true);
  return Date.now() - start;
}

describe.skipIf(!openssl)('TLS at the edges', () => {
  let dir: string;
  let w: World;
  let before: Resources;
  const P = { implicit: 0, starttls: 1, imap: 2, pop3: 3, smtp: 4, tls13: 5, cipher: 6, proxied: 7, pop3short: 8 };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-tls-edges-'));
    execFileSync(openssl!, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', '/CN=mail.example.test', '-keyout', path.join(dir, 'server.key'), '-out', path.join(dir, 'server.crt')], { stdio: 'ignore' });
    const certs = `ssl_certificate ${path.join(dir, 'server.crt')}; ssl_certificate_key ${path.join(dir, 'server.key')}`;
    w = await startWorld([
      { protocol: 'imap', ssl: true, directives: `${certs}; timeout 1s` },
      { protocol: 'imap', directives: `${certs}; starttls on; timeout 1s` },
      { protocol: 'imap', directives: `${certs}; starttls on` },
      { protocol: 'pop3', directives: `${certs}; starttls on` },
      { protocol: 'smtp', directives: `${certs}; starttls on` },
      { protocol: 'imap', ssl: true, directives: `${certs}; ssl_protocols TLSv1.3` },
      { protocol: 'imap', ssl: true, directives: `${certs}; ssl_protocols TLSv1.2; ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256` },
      { protocol: 'imap', ssl: true, proxyProtocol: true, directives: `${certs}; set_real_ip_from 127.0.0.1` },
      { protocol: 'pop3', directives: `${certs}; starttls on; timeout 1s` },
    ]);
  }, 30_000);
  afterAll(async () => {
    await w?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    before = resources();
  });
  afterEach(async () => {
    await expectReleased(w.proxy, before);
    // still serving, over TLS
    const t = await connectTls(w.ports[P.implicit]!);
    expect(await lines(t)()).toBe('* OK IMAP4 ready\r\n');
    t.destroy();
    await expectReleased(w.proxy, before);
  });

  const timedOutLines = () => w.log().filter((l) => l.includes('timed out')).length;

  describe('handshakes that stall', () => {
    it('implicit TLS: a client that sends nothing is closed at `timeout`, silently', async () => {
      const logged = timedOutLines();
      const c = await TestClient.connect(w.ports[P.implicit]!);
      const took = await closedWithin(c, 4000);
      expect(took).toBeGreaterThan(700);
      expect(timedOutLines()).toBe(logged);
    });

    it('implicit TLS: part of a ClientHello, then nothing: closed at `timeout`', async () => {
      const c = await TestClient.connect(w.ports[P.implicit]!);
      c.send(PARTIAL_CLIENT_HELLO);
      const took = await closedWithin(c, 4000);
      expect(took).toBeGreaterThan(700);
      expect(await c.drain(50, 100)).toBe('');
    });

    it('STARTTLS, then part of a ClientHello: closed at the session deadline', async () => {
      const c = await TestClient.connect(w.ports[P.starttls]!);
      expect(await c.read()).toBe('* OK IMAP4 ready\r\n');
      c.send('a1 STARTTLS\r\n');
      expect(await c.read()).toBe('a1 OK completed\r\n');
      c.send(PARTIAL_CLIENT_HELLO);
      const took = await closedWithin(c, 4000);
      expect(took).toBeLessThan(1500);
    });

    it('STARTTLS, then silence: nginx starts the handshake at the deadline and waits another `timeout`', async () => {
      const logged = timedOutLines();
      const c = await TestClient.connect(w.ports[P.starttls]!);
      const start = Date.now();
      expect(await c.read()).toBe('* OK IMAP4 ready\r\n');
      c.send('a1 STARTTLS\r\n');
      expect(await c.read()).toBe('a1 OK completed\r\n');
      await closedWithin(c, 5000);
      expect(Date.now() - start).toBeGreaterThan(1700);
      expect(timedOutLines()).toBe(logged);
    });

    it('a client that resets in the middle of a handshake is let go', async () => {
      const c = await TestClient.connect(w.ports[P.implicit]!);
      c.send(PARTIAL_CLIENT_HELLO);
      await new Promise((r) => setTimeout(r, 50));
      c.socket.resetAndDestroy();
    });
  });

  describe('plaintext after STARTTLS is not executed', () => {
    it('IMAP: a LOGIN in the STARTTLS packet is dropped', async () => {
      const requests = w.auth.requests.length;
      const c = await TestClient.connect(w.ports[P.imap]!);
      expect(await c.read()).toBe('* OK IMAP4 ready\r\n');
      c.send('a1 STARTTLS\r\na2 LOGIN test secret\r\n');
      expect(await c.read()).toBe('a1 OK completed\r\n');
      const t = await secure(c.socket);
      const read = lines(t);
      t.write('a3 NOOP\r\n');
      expect(await read()).toBe('a3 OK completed\r\n');
      expect(w.auth.requests.length).toBe(requests);
      // the session works: a real login over TLS
      t.write('a4 LOGIN test secret\r\n');
      expect(await read()).toBe('a4 OK Logged in\r\n');
      expect(w.auth.requests.length).toBe(requests + 1);
      t.destroy();
    });

    it('POP3: USER and PASS in the STLS packet are dropped', async () => {
      const requests = w.auth.requests.length;
      const c = await TestClient.connect(w.ports[P.pop3]!);
      expect(await c.read()).toBe('+OK POP3 ready\r\n');
      c.send('STLS\r\nUSER test\r\nPASS secret\r\n');
      expect(await c.read()).toBe('+OK\r\n');
      const t = await secure(c.socket);
      const read = lines(t);
      // PASS without USER: the injected USER never happened
      t.write('PASS secret\r\n');
      expect(await read()).toBe('-ERR invalid command\r\n');
      expect(w.auth.requests.length).toBe(requests);
      t.destroy();
    });

    it('SMTP: an AUTH in the STARTTLS packet is dropped, and the EHLO before it forgotten', async () => {
      const requests = w.auth.requests.length;
      const c = await TestClient.connect(w.ports[P.smtp]!);
      expect(await c.read()).toBe('220 mail.example.test ESMTP ready\r\n');
      c.send('EHLO client.example.test\r\n');
      expect(await c.read(/250 STARTTLS\r\n/)).toContain('250-AUTH PLAIN LOGIN\r\n');
      c.send(`STARTTLS\r\nAUTH PLAIN ${Buffer.from('\0test\0secret').toString('base64')}\r\n`);
      expect(await c.read()).toBe('220 2.0.0 Start TLS\r\n');
      const t = await secure(c.socket);
      const read = lines(t);
      t.write('NOOP\r\n');
      expect(await read()).toBe('250 2.0.0 OK\r\n');
      expect(w.auth.requests.length).toBe(requests);
      t.destroy();
    });

    it('plaintext that comes after the reply, before the handshake, breaks the handshake', async () => {
      const requests = w.auth.requests.length;
      const c = await TestClient.connect(w.ports[P.imap]!);
      expect(await c.read()).toBe('* OK IMAP4 ready\r\n');
      c.send('a1 STARTTLS\r\n');
      expect(await c.read()).toBe('a1 OK completed\r\n');
      c.send('a2 LOGIN test secret\r\n');
      expect(await c.waitClosed(3000)).toBe(true);
      expect(w.auth.requests.length).toBe(requests);
      expect(w.log().at(-1)).toMatch(/\[info\] \*\d+ SSL_do_handshake\(\) failed \(SSL: error:0A00010B:SSL routines::wrong version number\) while in starttls state, client: 127\.0\.0\.1 using starttls,/);
    });

    it('POP3: what did not fit the 128-byte buffer stays for the handshake, which it breaks at the deadline', async () => {
      // as nginx: those bytes raise no new read event, so the handshake only starts (and
      // fails on them) when the session's deadline passes
      const requests = w.auth.requests.length;
      const c = await TestClient.connect(w.ports[P.pop3short]!);
      expect(await c.read()).toBe('+OK POP3 ready\r\n');
      c.send(`STLS\r\n${'NOOP\r\n'.repeat(20)}USER test\r\nPASS secret\r\n`);
      expect(await c.read()).toBe('+OK\r\n');
      const took = await closedWithin(c, 4000);
      expect(took).toBeGreaterThan(700);
      expect(w.auth.requests.length).toBe(requests);
      expect(w.log().at(-1)).toMatch(/SSL_do_handshake\(\) failed \(SSL: error:[0-9A-F]{8}:SSL routines::wrong version number\) while in starttls state/);
    });
  });

  describe('protocols and ciphers', () => {
    it('ssl_protocols TLSv1.3 refuses a TLSv1.2-only client and serves a TLSv1.3 one', async () => {
      await expect(connectTls(w.ports[P.tls13]!, { maxVersion: 'TLSv1.2' })).rejects.toThrow(/protocol version|unsupported protocol/);
      await new Promise((r) => setTimeout(r, 50));
      expect(w.log().at(-1)).toMatch(/SSL_do_handshake\(\) failed \(SSL: error:[0-9A-F]{8}:SSL routines::unsupported protocol\) while SSL handshaking/);
      const t = await connectTls(w.ports[P.tls13]!);
      const read = lines(t);
      expect(t.getProtocol()).toBe('TLSv1.3');
      expect(await read()).toBe('* OK IMAP4 ready\r\n');
      t.write('a1 LOGIN test secret\r\n');
      expect(await read()).toBe('a1 OK Logged in\r\n');
      t.destroy();
      expect(w.auth.requests.at(-1)!.lines).toContain('Auth-SSL-Protocol: TLSv1.3');
    });

    it('ssl_ciphers: a client without the configured cipher is refused; with it, it is the one used', async () => {
      await expect(connectTls(w.ports[P.cipher]!, { ciphers: 'AES256-GCM-SHA384' })).rejects.toThrow(/handshake failure|no shared cipher/);
      const t = await connectTls(w.ports[P.cipher]!);
      const read = lines(t);
      expect(t.getCipher().name).toBe('ECDHE-RSA-AES128-GCM-SHA256');
      expect(await read()).toBe('* OK IMAP4 ready\r\n');
      t.write('a1 LOGIN test secret\r\n');
      expect(await read()).toBe('a1 OK Logged in\r\n');
      t.destroy();
      expect(w.auth.requests.at(-1)!.lines).toEqual(expect.arrayContaining(['Auth-SSL-Protocol: TLSv1.2', 'Auth-SSL-Cipher: ECDHE-RSA-AES128-GCM-SHA256']));
    });
  });

  // After the handshake a TLS error ends the session at once, as nginx's SSL_read() failure does.
  describe('after the handshake', () => {
    const closedSoon = (t: tls.TLSSocket) => new Promise<boolean>((resolve) => (t.once('close', () => resolve(true)), setTimeout(() => resolve(false), 2000)));

    it('a damaged record closes the session and is logged', async () => {
      const raw = net.connect({ port: w.ports[P.cipher]!, host: '127.0.0.1' });
      await new Promise((r) => raw.once('connect', r));
      const t = await secure(raw);
      t.on('error', () => {});
      expect(await lines(t)()).toBe('* OK IMAP4 ready\r\n');
      const closed = closedSoon(t);
      // an application-data record the server cannot decrypt, written under the TLS layer
      raw.write(Buffer.from([0x17, 0x03, 0x03, 0x00, 0x20, ...Array.from({ length: 32 }, (_, i) => i)]));
      expect(await closed).toBe(true);
      expect(w.log().some((l) => l.includes('[info]') && l.includes('SSL_read() failed (SSL: error:'))).toBe(true);
    });

    it('a client renegotiation is refused: the session ends, logged at notice', async () => {
      const t = await connectTls(w.ports[P.cipher]!);
      t.on('error', () => {});
      expect(await lines(t)()).toBe('* OK IMAP4 ready\r\n');
      const closed = closedSoon(t);
      t.renegotiate({}, () => {});
      expect(await closed).toBe(true);
      expect(w.log().some((l) => l.includes('[notice]') && l.includes('SSL renegotiation disabled'))).toBe(true);
    });
  });

  it('a PROXY header and the ClientHello in one packet: the handshake gets the rest of the packet', async () => {
    const raw = net.connect({ port: w.ports[P.proxied]!, host: '127.0.0.1' });
    await new Promise((r) => raw.once('connect', r));
    raw.cork();
    raw.write('PROXY TCP4 192.0.2.9 192.0.2.2 4321 993\r\n');
    const t = tls.connect({ socket: raw, rejectUnauthorized: false });
    process.nextTick(() => raw.uncork());
    await new Promise((resolve, reject) => (t.once('secureConnect', resolve), t.once('error', reject)));
    const read = lines(t);
    expect(await read()).toBe('* OK IMAP4 ready\r\n');
    t.write('a1 LOGIN test secret\r\n');
    expect(await read()).toBe('a1 OK Logged in\r\n');
    t.destroy();
    expect(w.auth.requests.at(-1)!.lines).toEqual(expect.arrayContaining(['Client-IP: 192.0.2.9', 'Auth-SSL: on']));
  });
});
