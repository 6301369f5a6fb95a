/**
 * End to end with real clients: curl's imap/pop3/smtp and Python's imaplib/poplib/smtplib
 * talk through the proxy (configured by fixtures/runtime/e2e.conf.in, checked by the real
 * checker) to a private Dovecot and an SMTP sink, with an auth_http server in the test.
 * Skipped, with a note, when Dovecot (and root to run it), curl or python3 is missing.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConfigSet } from '@mailconf/checker';
import { loadConfigText } from '@mailconf/syntax';
import { startProxy, type ProxyHandle } from '../src/index.js';
import { freePorts, pythonWorks, repoRoot, run, startDovecot, which, type Dovecot } from './helpers/external.js';
import { startAuthServer, startSmtpSink, type AuthAnswer, type AuthServer, type Backend, type SmtpMessage } from './helpers/servers.js';

const USERS: Record<string, string> = { alice: 'wonderland', bob: 'builder' };
const canDovecot = !!which('dovecot') && !!which('openssl') && process.getuid?.() === 0;
const curl = which('curl');
const python = pythonWorks() ? which('python3') : null;
const clients = path.join(repoRoot, 'packages/runtime/test/clients');

if (!canDovecot) console.log('e2e-clients: skipped, needs dovecot and openssl installed, and root to run Dovecot');
if (!curl) console.log('e2e-clients: curl tests skipped, curl is not installed');
if (!python) console.log('e2e-clients: Python tests skipped, python3 with imaplib/poplib/smtplib is not installed');

describe.skipIf(!canDovecot)('real clients through the proxy to Dovecot', () => {
  let dir: string;
  let dovecot: Dovecot;
  let auth: AuthServer;
  let sink: Backend & { messages: SmtpMessage[] };
  let proxy: ProxyHandle;
  let port: { imap: number; pop3: number; smtp: number; imaptls: number };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-e2e-'));
    // Dovecot's unprivileged processes read below it
    fs.chmodSync(dir, 0o755);
    dovecot = await startDovecot(path.join(dir, 'dovecot'), USERS);
    sink = await startSmtpSink();
    auth = await startAuthServer((req): AuthAnswer => {
      const user = req.headers['auth-user'] ?? '';
      const pass = decodeURIComponent(req.headers['auth-pass'] ?? '');
      if (USERS[user] !== pass) return { headers: { 'Auth-Status': 'Invalid login or password' } };
      const backend = { imap: dovecot.imapPort, pop3: dovecot.pop3Port, smtp: sink.port }[req.headers['auth-protocol'] as 'imap'];
      return { headers: { 'Auth-Status': 'OK', 'Auth-Server': '127.0.0.1', 'Auth-Port': backend, 'Auth-Pass': pass } };
    });
    const [imap, pop3, smtp, imaptls] = await freePorts(4);
    port = { imap: imap!, pop3: pop3!, smtp: smtp!, imaptls: imaptls! };
    execFileSync(which('openssl')!, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', '/CN=mail.example.test', '-keyout', path.join(dir, 'server.key'), '-out', path.join(dir, 'server.crt')], { stdio: 'ignore' });
    const text = fs
      .readFileSync(path.join(repoRoot, 'fixtures/runtime/e2e.conf.in'), 'utf8')
      .replaceAll('@DIR@', dir)
      .replaceAll('@AUTH_PORT@', String(auth.port))
      .replaceAll('@IMAP_PORT@', String(port.imap))
      .replaceAll('@POP3_PORT@', String(port.pop3))
      .replaceAll('@SMTP_PORT@', String(port.smtp))
      .replaceAll('@IMAPTLS_PORT@', String(port.imaptls));
    const { diagnostics, model } = checkConfigSet(loadConfigText(text, path.join(dir, 'nginx.conf')), { nginxVersion: '1.22.1' });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    proxy = await startProxy(model, { prefix: dir, warn: () => {} });
  }, 30_000);

  afterAll(async () => {
    await proxy?.close();
    await auth?.close();
    await sink?.close();
    await dovecot?.stop();
    if (process.env.KEEP_E2E) console.log('kept', dir);
    else fs.rmSync(dir, { recursive: true, force: true });
  });

  const log = () => fs.readFileSync(path.join(dir, 'error.log'), 'latin1');

  describe.skipIf(!python)('Python', () => {
    const py = async (script: string, user: string, pass: string) => {
      const r = await run(python!, [path.join(clients, script), String(port[script.slice(0, 4) as 'imap']), user, pass]);
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout);
    };

    it('imaplib: login, append, select, fetch, logout', async () => {
      const out = await py('imap_client.py', 'alice', 'wonderland');
      expect(out.capabilities).toEqual(['AUTH=LOGIN', 'AUTH=PLAIN', 'IMAP4', 'IMAP4REV1', 'UIDPLUS']);
      expect(out.login).toBe('OK');
      expect(out.exists).toBeGreaterThanOrEqual(1);
      expect(out.body).toBe('hello through the proxy\r\n');
      expect(out.logout).toBe('BYE');
      expect(log()).toMatch(/client logged in, client: 127\.0\.0\.1, server: 127\.0\.0\.1:\d+, login: "alice", upstream: 127\.0\.0\.1:\d+/);
    });

    it('imaplib: a wrong password is refused with the auth server\'s text', async () => {
      const out = await py('imap_client.py', 'alice', 'nope');
      expect(out.login).toBe('NO');
      expect(out.error).toContain('Invalid login or password');
    });

    it('poplib: USER/PASS, STAT, RETR, QUIT', async () => {
      await py('imap_client.py', 'bob', 'builder');
      const out = await py('pop3_client.py', 'bob', 'builder');
      expect(out.welcome).toBe('+OK POP3 ready');
      expect(out.capa).toEqual(['SASL', 'TOP', 'UIDL', 'USER']);
      expect(out.pass).toMatch(/^\+OK Logged in/);
      expect(out.count).toBeGreaterThanOrEqual(1);
      expect(out.last).toContain('hello through the proxy');
      expect(out.quit).toMatch(/^\+OK/);
    });

    it('smtplib: EHLO, AUTH, one message, QUIT', async () => {
      const before = sink.messages.length;
      const out = await py('smtp_client.py', 'alice', 'wonderland');
      expect(out).toMatchObject({ ehlo: 250, auth: 'PLAIN LOGIN', login: 'ok', refused: {}, quit: 221 });
      expect(sink.messages.slice(before)).toEqual([{ from: '<alice@example.test>', to: ['<bob@example.test>'], data: 'Subject: e2e\n\nhello from smtplib\n' }]);
    });

    it('smtplib: a wrong password gets 535', async () => {
      const out = await py('smtp_client.py', 'alice', 'nope');
      expect(out.login).toBe(535);
    });
  });

  describe.skipIf(!curl)('curl', () => {
    it('imap: lists the mailboxes', async () => {
      const r = await run(curl!, ['-sS', '--user', 'alice:wonderland', `imap://127.0.0.1:${port.imap}/`]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/\* LIST \([^)]*\) "\." INBOX/);
    });

    it('imap with STARTTLS (required by "starttls only")', async () => {
      const plain = await run(curl!, ['-sS', '--user', 'alice:wonderland', `imap://127.0.0.1:${port.imaptls}/`]);
      expect(plain.code).not.toBe(0);
      const r = await run(curl!, ['-sS', '--ssl-reqd', '-k', '--user', 'alice:wonderland', `imap://127.0.0.1:${port.imaptls}/`]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/\* LIST \([^)]*\) "\." INBOX/);
      expect(log()).toMatch(/client logged in, client: 127\.0\.0\.1 using starttls, server: 127\.0\.0\.1:\d+, login: "alice"/);
    });

    it('imap: a wrong password is a login failure', async () => {
      const r = await run(curl!, ['-sS', '--user', 'alice:wrong', `imap://127.0.0.1:${port.imap}/`]);
      expect(r.code).toBe(67);
    });

    it('pop3: lists the messages', async () => {
      await run(python ?? 'true', python ? [path.join(clients, 'imap_client.py'), String(port.imap), 'alice', 'wonderland'] : []);
      const r = await run(curl!, ['-sS', '--user', 'alice:wonderland', `pop3://127.0.0.1:${port.pop3}/`]);
      expect(r.code).toBe(0);
      if (python) expect(r.stdout).toMatch(/^1 \d+\r?\n/);
    });

    it('smtp: sends a message', async () => {
      const before = sink.messages.length;
      const r = await run(
        curl!,
        ['-sS', '--user', 'bob:builder', '--mail-from', 'bob@example.test', '--mail-rcpt', 'alice@example.test', '--upload-file', '-', `smtp://127.0.0.1:${port.smtp}`],
        'Subject: curl\r\n\r\nhello from curl\r\n',
      );
      expect(r.code).toBe(0);
      expect(sink.messages.slice(before)).toEqual([{ from: '<bob@example.test>', to: ['<alice@example.test>'], data: 'Subject: curl\n\nhello from curl\n' }]);
    });
  });

  it('logs each session as nginx does, never a password', () => {
    const text = log();
    expect(text).toMatch(/\[info\] \d+#0: \*\d+ proxied session done, client: 127\.0\.0\.1, server: 127\.0\.0\.1:\d+, login: "alice"/);
    for (const p of [...Object.values(USERS), 'nope', 'wrong']) expect(text).not.toContain(p);
  });
});
