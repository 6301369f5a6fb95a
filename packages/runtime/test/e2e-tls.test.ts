/**
 * End to end over TLS with real clients: `openssl s_client` (implicit TLS and
 * `-starttls imap|pop3|smtp`), curl (`imaps://` … and `--ssl-reqd` over STARTTLS) and
 * Python's IMAP4_SSL / starttls(), POP3_SSL / stls(), SMTP_SSL / starttls() talk through
 * the proxy (fixtures/runtime/e2e-tls.conf.in, checked by the real checker) to a private
 * Dovecot and an SMTP sink. Clients verify the proxy's certificate against a test CA. Also:
 * the protocols and ciphers actually applied, client certificates checked against the CA,
 * and what `auth_http_pass_client_cert` tells the auth server.
 * Skipped, with a note, without Dovecot (and root to run it) or openssl; the curl and
 * Python parts without those.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConfigSet } from '@mailconf/checker';
import { loadConfigText } from '@mailconf/syntax';
import { startProxy, type ProxyHandle } from '../src/index.js';
import { certFacts, makeCerts, type TestCerts } from './helpers/certs.js';
import { freePorts, pythonWorks, repoRoot, run, startDovecot, which, type Dovecot } from './helpers/external.js';
import { startAuthServer, startSmtpSink, type AuthAnswer, type AuthServer, type Backend, type SmtpMessage } from './helpers/servers.js';

const USERS: Record<string, string> = { alice: 'wonderland', bob: 'builder' };
const openssl = which('openssl');
const canDovecot = !!which('dovecot') && !!openssl && process.getuid?.() === 0;
const curl = which('curl');
const python = pythonWorks() ? which('python3') : null;
const clients = path.join(repoRoot, 'packages/runtime/test/clients');

if (!canDovecot) console.log('e2e-tls: skipped, needs dovecot and openssl installed, and root to run Dovecot');
else {
  if (!curl) console.log('e2e-tls: curl tests skipped, curl is not installed');
  if (!python) console.log('e2e-tls: Python tests skipped, python3 with imaplib/poplib/smtplib is not installed');
}

const PORTS = ['IMAPS', 'POP3S', 'SMTPS', 'IMAP', 'POP3', 'SMTP', 'TLS13', 'CIPHER', 'VERIFY'] as const;
type PortName = (typeof PORTS)[number];

describe.skipIf(!canDovecot)('TLS end to end through the proxy to Dovecot', () => {
  let dir: string;
  let certs: TestCerts;
  let dovecot: Dovecot;
  let auth: AuthServer;
  let sink: Backend & { messages: SmtpMessage[] };
  let proxy: ProxyHandle;
  const port = {} as Record<PortName, number>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-e2e-tls-'));
    fs.chmodSync(dir, 0o755);
    certs = makeCerts(openssl!, dir);
    dovecot = await startDovecot(path.join(dir, 'dovecot'), USERS);
    sink = await startSmtpSink();
    auth = await startAuthServer((req): AuthAnswer => {
      const user = req.headers['auth-user'] ?? '';
      const pass = decodeURIComponent(req.headers['auth-pass'] ?? '');
      if (USERS[user] !== pass) return { headers: { 'Auth-Status': 'Invalid login or password' } };
      const backend = { imap: dovecot.imapPort, pop3: dovecot.pop3Port, smtp: sink.port }[req.headers['auth-protocol'] as 'imap'];
      return { headers: { 'Auth-Status': 'OK', 'Auth-Server': '127.0.0.1', 'Auth-Port': backend, 'Auth-Pass': pass } };
    });
    const free = await freePorts(PORTS.length);
    PORTS.forEach((p, i) => (port[p] = free[i]!));
    let text = fs.readFileSync(path.join(repoRoot, 'fixtures/runtime/e2e-tls.conf.in'), 'utf8').replaceAll('@DIR@', dir).replaceAll('@AUTH_PORT@', String(auth.port));
    for (const p of PORTS) text = text.replaceAll(`@${p}@`, String(port[p]));
    const { diagnostics, model } = checkConfigSet(loadConfigText(text, path.join(dir, 'nginx.conf')), { nginxVersion: '1.22.1' });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    proxy = await startProxy(model, { prefix: dir, warn: () => {} });
  }, 60_000);

  afterAll(async () => {
    await proxy?.close();
    await auth?.close();
    await sink?.close();
    await dovecot?.stop();
    if (process.env.KEEP_E2E) console.log('kept', dir);
    else if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const log = () => fs.readFileSync(path.join(dir, 'error.log'), 'latin1');
  const lastAuth = () => auth.requests.at(-1)!.lines;

  /** openssl s_client against a port, verifying the proxy's certificate; stdin is sent as CRLF lines. */
  const sClient = (p: PortName, args: string[], input: string) =>
    run(openssl!, ['s_client', '-connect', `127.0.0.1:${port[p]}`, '-CAfile', certs.ca, '-verify_return_error', '-verify_hostname', 'mail.example.test', '-crlf', '-ign_eof', '-brief', ...args], input);

  const IMAP_SCRIPT = 'a1 LOGIN alice wonderland\na2 SELECT INBOX\na3 LOGOUT\n';
  const POP3_SCRIPT = 'USER alice\nPASS wonderland\nSTAT\nQUIT\n';
  const smtpScript = (tag: string) =>
    `EHLO client.example.test\nAUTH PLAIN ${Buffer.from('\0bob\0builder').toString('base64')}\nMAIL FROM:<bob@example.test>\nRCPT TO:<alice@example.test>\nDATA\nSubject: ${tag}\n\nhello from ${tag}\n.\nQUIT\n`;

  describe('openssl s_client', () => {
    it('IMAP over implicit TLS: LOGIN, SELECT, LOGOUT', async () => {
      const r = await sClient('IMAPS', [], IMAP_SCRIPT);
      expect(r.stderr).toContain('Verification: OK');
      expect(r.stdout).toMatch(/^\* OK IMAP4 ready\r\na1 OK /);
      expect(r.stdout).toMatch(/\r\na2 OK \[READ-WRITE\] Select completed/);
      expect(r.stdout).toMatch(/\r\na3 OK Logout completed/);
      expect(lastAuth()).toEqual(expect.arrayContaining(['Auth-User: alice', 'Auth-SSL: on', 'Auth-SSL-Protocol: TLSv1.3']));
    });

    it('IMAP with -starttls imap', async () => {
      const r = await sClient('IMAP', ['-starttls', 'imap'], IMAP_SCRIPT);
      expect(r.stderr).toContain('Verification: OK');
      expect(r.stdout).toMatch(/^a1 OK /m);
      expect(r.stdout).toMatch(/^a3 OK Logout completed/m);
      expect(log()).toMatch(/client logged in, client: 127\.0\.0\.1 using starttls, server: 127\.0\.0\.1:\d+, login: "alice"/);
    });

    it('POP3 over implicit TLS and with -starttls pop3', async () => {
      for (const [p, args] of [
        ['POP3S', []],
        ['POP3', ['-starttls', 'pop3']],
      ] as const) {
        const r = await sClient(p, [...args], POP3_SCRIPT);
        expect(r.stderr).toContain('Verification: OK');
        expect(r.stdout).toMatch(/\+OK Logged in\.\r\n\+OK \d+ \d+\r\n\+OK Logging out/);
      }
    });

    it('SMTP over implicit TLS and with -starttls smtp: a message reaches the sink', async () => {
      for (const [p, args] of [
        ['SMTPS', []],
        ['SMTP', ['-starttls', 'smtp']],
      ] as const) {
        const before = sink.messages.length;
        const r = await sClient(p, [...args], smtpScript(`s_client ${p}`));
        expect(r.stdout).toContain('235 2.0.0 OK\r\n');
        expect(r.stdout).toContain('250 2.0.0 Ok: queued\r\n');
        expect(sink.messages.slice(before)).toEqual([{ from: '<bob@example.test>', to: ['<alice@example.test>'], data: `Subject: s_client ${p}\n\nhello from s_client ${p}\n` }]);
      }
    });

    it('ssl_protocols TLSv1.3: a TLSv1.2-only client is refused, a TLSv1.3 one served', async () => {
      const refused = await sClient('TLS13', ['-tls1_2'], '');
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/protocol version/);
      expect(log()).toMatch(/SSL_do_handshake\(\) failed \(SSL: error:0A000102:SSL routines::unsupported protocol\) while SSL handshaking/);
      const r = await sClient('TLS13', ['-tls1_3'], IMAP_SCRIPT);
      expect(r.stderr).toContain('Protocol version: TLSv1.3');
      expect(r.stdout).toMatch(/^a1 OK /m);
      expect(lastAuth()).toContain('Auth-SSL-Protocol: TLSv1.3');
    });

    it('ssl_ciphers: only the configured cipher is negotiated, and reported to the auth server', async () => {
      const refused = await sClient('CIPHER', ['-cipher', 'AES256-GCM-SHA384'], '');
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/handshake failure/);
      const r = await sClient('CIPHER', [], IMAP_SCRIPT);
      expect(r.stderr).toContain('Ciphersuite: ECDHE-RSA-AES128-GCM-SHA256');
      expect(r.stderr).toContain('Protocol version: TLSv1.2');
      expect(r.stdout).toMatch(/^a1 OK /m);
      expect(lastAuth()).toEqual(expect.arrayContaining(['Auth-SSL-Protocol: TLSv1.2', 'Auth-SSL-Cipher: ECDHE-RSA-AES128-GCM-SHA256']));
    });

    it('ssl_verify_client on: no certificate or one the CA did not sign is refused with the protocol\'s reply', async () => {
      const none = await sClient('VERIFY', [], 'a1 NOOP\n');
      expect(none.stdout).toBe('* BYE No required SSL certificate\r\n');
      const rogue = await sClient('VERIFY', ['-cert', certs.rogueCrt, '-key', certs.rogueKey], 'a1 NOOP\n');
      expect(rogue.stdout).toBe('* BYE SSL certificate error\r\n');
      expect(log()).toContain('client sent no required SSL certificate while SSL handshaking');
      expect(log()).toMatch(/client SSL certificate verify error: \(18:self-signed certificate\) while SSL handshaking/);
    });

    it('ssl_verify_client on: a certificate from the CA logs in; auth_http_pass_client_cert sends it', async () => {
      const r = await sClient('VERIFY', ['-cert', certs.clientCrt, '-key', certs.clientKey], IMAP_SCRIPT);
      expect(r.stdout).toMatch(/^\* OK IMAP4 ready\r\na1 OK /);
      const lines = lastAuth();
      const field = (name: string) => lines.find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
      const nameOf = (what: 'subject' | 'issuer') =>
        execFileSync(openssl!, ['x509', '-in', certs.clientCrt, '-noout', `-${what}`, '-nameopt', 'RFC2253'], { encoding: 'utf8' }).trim().replace(/^\w+=/, '');
      const facts = certFacts(openssl!, certs.clientCrt);
      expect(field('Auth-SSL-Verify')).toBe('SUCCESS');
      expect(field('Auth-SSL-Subject')).toBe(nameOf('subject'));
      expect(field('Auth-SSL-Issuer')).toBe(nameOf('issuer'));
      expect(field('Auth-SSL-Serial')).toBe(facts.serial);
      expect(field('Auth-SSL-Fingerprint')).toBe(facts.fingerprint);
      expect(decodeURIComponent(field('Auth-SSL-Cert')!)).toBe(fs.readFileSync(certs.clientCrt, 'latin1'));
    });
  });

  describe.skipIf(!curl)('curl', () => {
    const curlTls = (url: (host: string) => string, p: PortName, extra: string[] = [], input?: string) =>
      run(curl!, ['-sS', '--cacert', certs.ca, '--resolve', `mail.example.test:${port[p]}:127.0.0.1`, ...extra, url(`mail.example.test:${port[p]}`)], input);

    it('imaps:// and imap:// --ssl-reqd list the mailboxes', async () => {
      for (const [p, scheme, extra] of [
        ['IMAPS', 'imaps', []],
        ['IMAP', 'imap', ['--ssl-reqd']],
      ] as const) {
        const r = await curlTls((h) => `${scheme}://${h}/`, p, ['--user', 'alice:wonderland', ...extra]);
        expect(r.stderr).toBe('');
        expect(r.stdout).toMatch(/\* LIST \([^)]*\) "\." INBOX/);
      }
    });

    it('pop3s:// and pop3:// --ssl-reqd list the messages', async () => {
      for (const [p, scheme, extra] of [
        ['POP3S', 'pop3s', []],
        ['POP3', 'pop3', ['--ssl-reqd']],
      ] as const) {
        const r = await curlTls((h) => `${scheme}://${h}/`, p, ['--user', 'alice:wonderland', ...extra]);
        expect(r.code).toBe(0);
      }
    });

    it('smtps:// and smtp:// --ssl-reqd send a message', async () => {
      for (const [p, scheme, extra] of [
        ['SMTPS', 'smtps', []],
        ['SMTP', 'smtp', ['--ssl-reqd']],
      ] as const) {
        const before = sink.messages.length;
        const r = await curlTls((h) => `${scheme}://${h}`, p, ['--user', 'bob:builder', '--mail-from', 'bob@example.test', '--mail-rcpt', 'alice@example.test', '--upload-file', '-', ...extra], `Subject: curl ${p}\r\n\r\nhello\r\n`);
        expect(r.code).toBe(0);
        expect(sink.messages.slice(before)).toEqual([{ from: '<bob@example.test>', to: ['<alice@example.test>'], data: `Subject: curl ${p}\n\nhello\n` }]);
      }
    });

    it('without --ssl-reqd over a "starttls only" port, the login is refused', async () => {
      const r = await run(curl!, ['-sS', '--user', 'alice:wonderland', `imap://127.0.0.1:${port.IMAP}/`]);
      expect(r.code).not.toBe(0);
    });

    it('a client certificate from the CA is accepted', async () => {
      const r = await curlTls((h) => `imaps://${h}/`, 'VERIFY', ['--user', 'alice:wonderland', '--cert', certs.clientCrt, '--key', certs.clientKey]);
      expect(r.stdout).toMatch(/\* LIST \([^)]*\) "\." INBOX/);
      expect(lastAuth()).toContain('Auth-SSL-Verify: SUCCESS');
    });
  });

  describe.skipIf(!python)('Python', () => {
    const py = async (script: string, p: PortName, mode: 'ssl' | 'starttls', user: string, pass: string) => {
      const r = await run(python!, [path.join(clients, script), String(port[p]), user, pass, mode, certs.ca]);
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout);
    };

    it('imaplib: IMAP4_SSL, and IMAP4 with starttls()', async () => {
      const ssl = await py('imap_client.py', 'IMAPS', 'ssl', 'alice', 'wonderland');
      expect(ssl).toMatchObject({ tls: 'TLSv1.3', login: 'OK', body: 'hello through the proxy\r\n', logout: 'BYE' });
      const st = await py('imap_client.py', 'IMAP', 'starttls', 'alice', 'wonderland');
      expect(st.before).toEqual(['IMAP4', 'IMAP4REV1', 'LOGINDISABLED', 'STARTTLS', 'UIDPLUS']);
      expect(st.capabilities).toEqual(['AUTH=LOGIN', 'AUTH=PLAIN', 'IMAP4', 'IMAP4REV1', 'UIDPLUS']);
      expect(st).toMatchObject({ tls: 'TLSv1.3', login: 'OK', logout: 'BYE' });
      expect((await py('imap_client.py', 'IMAPS', 'ssl', 'alice', 'nope')).login).toBe('NO');
    });

    it('poplib: POP3_SSL, and POP3 with stls()', async () => {
      const ssl = await py('pop3_client.py', 'POP3S', 'ssl', 'alice', 'wonderland');
      expect(ssl).toMatchObject({ tls: 'TLSv1.3', welcome: '+OK POP3 ready' });
      expect(ssl.pass).toMatch(/^\+OK Logged in/);
      expect(ssl.count).toBeGreaterThanOrEqual(1);
      const st = await py('pop3_client.py', 'POP3', 'starttls', 'alice', 'wonderland');
      expect(st.before).toEqual(['STLS', 'TOP', 'UIDL']);
      expect(st.capa).toEqual(['SASL', 'TOP', 'UIDL', 'USER']);
      expect(st.stls).toBe('+OK');
      expect(st.pass).toMatch(/^\+OK Logged in/);
    });

    it('smtplib: SMTP_SSL, and SMTP with starttls()', async () => {
      const before = sink.messages.length;
      const ssl = await py('smtp_client.py', 'SMTPS', 'ssl', 'alice', 'wonderland');
      expect(ssl).toMatchObject({ tls: 'TLSv1.3', ehlo: 250, auth: 'PLAIN LOGIN', login: 'ok', refused: {}, quit: 221 });
      const st = await py('smtp_client.py', 'SMTP', 'starttls', 'alice', 'wonderland');
      expect(st).toMatchObject({ before: '', starttls: 220, tls: 'TLSv1.3', auth: 'PLAIN LOGIN', login: 'ok', quit: 221 });
      expect(sink.messages.length).toBe(before + 2);
      expect((await py('smtp_client.py', 'SMTPS', 'ssl', 'alice', 'nope')).login).toBe(535);
    });
  });

  it('logs no password and lets every connection go', async () => {
    const text = log();
    for (const p of [...Object.values(USERS), 'nope']) expect(text).not.toContain(p);
    for (let i = 0; i < 100 && proxy.sessionCount; i++) await new Promise((r) => setTimeout(r, 20));
    expect(proxy.sessionCount).toBe(0);
  });
});
