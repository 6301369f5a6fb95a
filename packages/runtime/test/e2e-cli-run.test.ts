/**
 * `mailconf run` as a command: refuses a configuration with errors (printed as lint prints
 * them), writes `pid`, serves, reloads on SIGHUP (keeping the old configuration when the
 * new one has errors), stops on SIGTERM. Runs the CLI in-process from its sources; signals
 * are delivered with process.emit, so nothing is actually sent to the test process.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/src/index.js';
import { TestClient } from './helpers/client.js';
import { freePorts } from './helpers/external.js';

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
});
