/**
 * `mailconf lint big.conf | head -1`: the reader closes the pipe early. The process (the real
 * command, run as bin/mailconf.js runs it) must say nothing about it and exit with lint's
 * own verdict. `mailconf run`, whose standard error goes away while it serves, keeps serving.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverBundle } from '../../lsp/test/support/server-bundle.js';
import { freePorts, waitForPort } from '../../runtime/test/helpers/external.js';

let dir: string;
let bundle: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-pipe-'));
  bundle = await serverBundle('cli');
  // Thousands of warnings (plaintext auth on every server) and one error at the end: far more
  // output than a pipe buffer holds, so writes are still pending when the reader goes away.
  const servers = Array.from({ length: 4000 }, (_, i) => `    server {\n        listen ${10000 + i};\n        protocol imap;\n    }\n`).join('');
  fs.writeFileSync(path.join(dir, 'big.conf'), `events {}\nmail {\n    auth_http 127.0.0.1:9000/auth;\n${servers}    timeout 1x;\n}\n`);
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function lintReadingOneChunk(): Promise<{ code: number | null; stderr: string; firstChunk: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bundle, 'lint', path.join(dir, 'big.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let firstChunk = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.stdout.once('data', (c) => {
      firstChunk = String(c);
      child.stdout.destroy();
    });
    child.on('close', (code) => resolve({ code, stderr, firstChunk }));
  });
}

describe('a reader that closes the pipe early', () => {
  it('gets what was written, and mailconf exits with its verdict and no stack trace', async () => {
    const r = await lintReadingOneChunk();
    expect(r.firstChunk).toContain('plaintext-auth-without-tls');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
  });
});

describe('a reader of mailconf run\'s standard error that goes away', () => {
  it('does not stop the proxy: it logs on, reloads and stops when told', async () => {
    const [port] = await freePorts(1);
    const conf = path.join(dir, 'run.conf');
    // error_log stderr: every connection and reload writes to the closed pipe.
    fs.writeFileSync(conf, `daemon off;\nerror_log stderr info;\npid ${dir}/run.pid;\nevents {}\nmail {\n  auth_http 127.0.0.1:9/auth;\n  server { listen 127.0.0.1:${port}; protocol imap; }\n}\n`);
    const child = spawn(process.execPath, [bundle, 'run', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const connectOnce = () =>
      new Promise<void>((resolve) => {
        const c = net.connect(port!, '127.0.0.1', () => c.destroy());
        c.on('close', () => resolve());
        c.on('error', () => resolve());
      });
    const firstChunk = new Promise<void>((resolve) => child.stderr!.once('data', () => resolve()));
    await waitForPort(port!);
    // A connection is logged; read that, then go away.
    await connectOnce();
    await firstChunk;
    child.stderr!.destroy();
    for (let i = 0; i < 3; i++) await connectOnce();
    child.kill('SIGHUP');
    await new Promise((r) => setTimeout(r, 300));
    expect(child.exitCode).toBe(null);
    await waitForPort(port!);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 20_000);
});
