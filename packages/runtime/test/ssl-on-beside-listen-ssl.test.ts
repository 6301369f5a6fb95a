/**
 * `ssl on` (nginx before 1.25.1) makes every listen of its server implicit TLS, also when
 * another listen of the server has `ssl` — nginx's handler tests `sslcf->enable || s->ssl`.
 * The model names the server's TLS mode after the `listen ... ssl` then (nginx's merge-time
 * wording); the proxy must still start TLS on the plain listen. Built from a real
 * configuration through the checker, served by the proxy, read by a real TLS client.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigText } from '@mailconf/syntax';
import { checkConfigSet } from '@mailconf/checker';
import { startProxy, type ProxyHandle } from '../src/index.js';
import { freePorts, which } from './helpers/external.js';

const openssl = which('openssl');
if (!openssl) console.log('ssl-on-beside-listen-ssl: skipped, openssl is not installed');

describe.skipIf(!openssl)('ssl on beside a listen ... ssl (nginx 1.22.1)', () => {
  let dir: string;
  let proxy: ProxyHandle;
  let plain: number;
  let withSsl: number;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-ssl-on-'));
    execFileSync(openssl!, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', '/CN=mail.example.test', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem')], { stdio: 'ignore' });
    [plain, withSsl] = (await freePorts(2)) as [number, number];
    const text = `events {}
mail {
    auth_http 127.0.0.1:9/auth;
    ssl_certificate ${path.join(dir, 'c.pem')};
    ssl_certificate_key ${path.join(dir, 'k.pem')};
    server {
        listen 127.0.0.1:${plain};
        listen 127.0.0.1:${withSsl} ssl;
        protocol imap;
        ssl on;
        # The client that never starts TLS is let go at this, not at the default 60s.
        timeout 1s;
    }
}
`;
    const { diagnostics, model } = checkConfigSet(loadConfigText(text, path.join(dir, 'nginx.conf'), {}), { nginxVersion: '1.22.1' });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(model.servers[0]!.sslMode).toBe('listen ... ssl');
    proxy = await startProxy(model, { prefix: dir, warn: () => {} });
  }, 30_000);

  afterAll(async () => {
    await proxy?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const greeting = (port: number) =>
    new Promise<string>((resolve, reject) => {
      const t = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false }, () => t.once('data', (d) => (resolve(d.toString('latin1')), t.destroy())));
      t.once('error', reject);
    });

  it('the plain listen speaks TLS from the first byte, as the ssl one does', async () => {
    expect(await greeting(withSsl)).toBe('* OK IMAP4 ready\r\n');
    expect(await greeting(plain)).toBe('* OK IMAP4 ready\r\n');
  });

  it('and sends no plaintext greeting there', async () => {
    const first = await new Promise<string>((resolve) => {
      const s = net.connect(plain, '127.0.0.1');
      let got = '';
      s.on('data', (d) => (got += d.toString('latin1')));
      setTimeout(() => (s.destroy(), resolve(got)), 300);
    });
    expect(first).toBe('');
  });
});
