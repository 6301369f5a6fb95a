/**
 * `mailconf run` as a command: refuses a configuration with errors (printed as lint prints
 * them), writes `pid`, serves, reloads on SIGHUP (keeping the old configuration when the
 * new one has errors), stops on SIGTERM. Runs the CLI in-process from its sources; signals
 * are delivered with process.emit, so nothing is actually sent to the test process.
 */
import { spawnSync } from 'node:child_process';
import * as dns from 'node:dns';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/src/index.js';
import { TestClient } from './helpers/client.js';
import { freePorts } from './helpers/external.js';
import { noteSkip } from '../../../test/support/shared.js';

const CLI_BIN = fileURLToPath(new URL('../../cli/bin/mailconf.js', import.meta.url));
/** The namespace test runs the built command as root in a network and mount namespace of its own. */
const canUseNamespace =
  fs.existsSync(fileURLToPath(new URL('../../cli/dist/bundle/mailconf.cjs', import.meta.url))) &&
  spawnSync('unshare', ['-mn', 'sh', '-c', 'ip link set lo up && command -v python3']).status === 0;
if (!canUseNamespace) noteSkip('mailconf run with a listen name in a namespace', 'the built CLI (npm run build), python3, and unshare and ip (root)');

let dir = '';
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

function config(port: number, extra = ''): string {
  return `daemon off;\nerror_log ${dir}/error.log info;\npid ${dir}/run.pid;\nevents { worker_connections 64; }\nmail {\n  auth_http 127.0.0.1:9/auth;\n  server { listen 127.0.0.1:${port}; protocol imap; ${extra} }\n}\n`;
}

function capture() {
  const err: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => (err.push(String(c)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  return err;
}

async function waitFor(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('mailconf run', () => {
  it('refuses to start on errors and prints them as lint does', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-run-'));
    const file = path.join(dir, 'nginx.conf');
    fs.writeFileSync(file, 'mail {\n  server { listen 127.0.0.1:1143; protocol imap; imap_auth bogus; }\n}\n');
    const err = capture();
    const code = await main(['node', 'mailconf', 'run', file]);
    expect(code).toBe(1);
    expect(err.join('')).toMatch(/nginx\.conf:2:\d+ +error +.+/);
    expect(err.join('')).toContain('configuration has errors, not started');
  });

  it('serves, reloads on SIGHUP (or keeps the old configuration), stops on SIGTERM', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-run-'));
    const [port] = await freePorts(1);
    const file = path.join(dir, 'nginx.conf');
    fs.writeFileSync(file, config(port!));
    capture();
    const running = main(['node', 'mailconf', 'run', file]);
    const caps = async () => {
      const c = await TestClient.connect(port!);
      await c.read();
      c.send('a1 CAPABILITY\r\n');
      const line = await c.read();
      c.close();
      return line;
    };
    await waitFor(() => fs.existsSync(path.join(dir, 'run.pid')));
    expect(fs.readFileSync(path.join(dir, 'run.pid'), 'utf8')).toBe(`${process.pid}\n`);
    expect(await caps()).toBe('* CAPABILITY IMAP4 IMAP4rev1 UIDPLUS AUTH=PLAIN\r\n');

    // a broken configuration: logged, the old one stays
    fs.writeFileSync(file, config(port!, 'imap_auth bogus;'));
    process.emit('SIGHUP');
    await waitFor(() => fs.readFileSync(path.join(dir, 'error.log'), 'utf8').includes('reload failed'));
    expect(fs.readFileSync(path.join(dir, 'error.log'), 'utf8')).toMatch(/\[emerg\] \d+#0: .*bogus/);
    expect(await caps()).toBe('* CAPABILITY IMAP4 IMAP4rev1 UIDPLUS AUTH=PLAIN\r\n');

    // a good one: new connections get it
    fs.writeFileSync(file, config(port!, 'imap_capabilities IMAP4rev1 IDLE; imap_auth login;'));
    process.emit('SIGHUP');
    await waitFor(async () => (await caps()) === '* CAPABILITY IMAP4rev1 IDLE AUTH=LOGIN\r\n');

    process.emit('SIGTERM');
    expect(await running).toBe(0);
    expect(fs.existsSync(path.join(dir, 'run.pid'))).toBe(false);
    await expect(TestClient.connect(port!)).rejects.toThrow();
  });

  it.skipIf(!canUseNamespace)('a listen name serves every address it resolves to (in a namespace with its own hosts file)', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-run-'));
    fs.chmodSync(dir, 0o755);
    const file = path.join(dir, 'nginx.conf');
    fs.writeFileSync(file, config(10143).replace('listen 127.0.0.1:10143', 'listen two.test:10143'));
    fs.writeFileSync(path.join(dir, 'hosts'), '127.0.0.1 localhost\n127.0.0.2 two.test\n127.0.0.3 two.test\n');
    // Inside one namespace: start the command, greet it on each address with Python, stop it.
    const client = 'import socket,sys\nfor h in sys.argv[1:]:\n  s=socket.create_connection((h,10143),5); print(h, s.recv(100).decode().strip()); s.close()';
    const script = [
      'ip link set lo up && mount --bind "$0/hosts" /etc/hosts || exit 9',
      `"$1" "$2" run "$0/nginx.conf" & pid=$!`,
      'for i in $(seq 100); do [ -f "$0/run.pid" ] && break; sleep 0.05; done',
      `python3 -c '${client}' 127.0.0.2 127.0.0.3; kill $pid; wait $pid`,
    ].join('\n');
    const r = spawnSync('unshare', ['-mn', 'sh', '-c', script, dir, process.execPath, CLI_BIN], { encoding: 'utf8', timeout: 20000 });
    expect(r.stdout).toBe('127.0.0.2 * OK IMAP4 ready\n127.0.0.3 * OK IMAP4 ready\n');
  });

  it('resolves host names when it reads the configuration, as nginx does: a listen name serves every address it resolves to', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-run-'));
    const [port] = await freePorts(1);
    const file = path.join(dir, 'nginx.conf');
    fs.writeFileSync(file, config(port!).replace(`listen 127.0.0.1:${port}`, `listen localhost:${port}`));
    // What this machine's resolver gives, in its order: usually ::1 and 127.0.0.1 (each once: 1.23.3 drops a repeat).
    const addresses = [...new Set((await dns.promises.lookup('localhost', { all: true, order: 'verbatim', hints: dns.ADDRCONFIG })).map((a) => a.address))];
    capture();
    const running = main(['node', 'mailconf', 'run', '--nginx-version', '1.23.3', file]);
    await waitFor(() => fs.existsSync(path.join(dir, 'run.pid')));
    for (const host of addresses) {
      const c = await TestClient.connect(port!, host);
      expect(await c.read()).toBe('* OK IMAP4 ready\r\n');
      c.close();
    }
    process.emit('SIGTERM');
    expect(await running).toBe(0);
  });

  it('refuses to start when a host name it resolves does not resolve here', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-run-'));
    const file = path.join(dir, 'nginx.conf');
    fs.writeFileSync(file, config(1143).replace('auth_http 127.0.0.1:9/auth', 'auth_http mailconf-auth.invalid:9000/auth'));
    const err = capture();
    expect(await main(['node', 'mailconf', 'run', file])).toBe(1);
    expect(err.join('')).toMatch(/nginx\.conf:6:\d+ +error +host not found in auth_http "mailconf-auth\.invalid:9000\/auth"/);
    expect(err.join('')).toContain('configuration has errors, not started');
  });
});
