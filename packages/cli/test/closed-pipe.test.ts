/**
 * `mailconf lint big.conf | head -1`: the reader closes the pipe early. The process (the real
 * command, run as bin/mailconf.js runs it) must say nothing about it and exit with lint's
 * own verdict.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverBundle } from '../../lsp/test/support/server-bundle.js';

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
