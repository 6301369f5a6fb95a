/**
 * `mailconf lsp` (bin/mailconf.js) starts itself again with V8's young generation capped at
 * 16 MiB, which V8 only reads at start (why: bin/mailconf.js); the other commands do not. The
 * real bin, as an editor starts it, then answers `initialize`. Needs the build (`npm ci` makes
 * it) and Linux's /proc to read a process's arguments.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type InitializeResult } from 'vscode-languageserver-protocol/node';
import { repoRoot } from '../../../test/support/shared.js';

const bin = path.join(repoRoot, 'packages/cli/bin/mailconf.js');
const built = fs.existsSync(path.join(repoRoot, 'packages/cli/dist/index.js'));
const canRun = built && fs.existsSync('/proc/self/cmdline') && typeof (process as { execve?: unknown }).execve === 'function';
if (!canRun) console.log('[skip] lsp-process: needs the build, /proc and process.execve');

describe.skipIf(!canRun)('mailconf lsp as a process', () => {
  it('runs with --max-semi-space-size=16 and serves', async () => {
    const proc = spawn(process.execPath, [bin, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    conn.listen();
    const result = await conn.sendRequest<InitializeResult>('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    expect(result.serverInfo?.name).toBe('mailconf');
    // Same process (execve keeps the pid), new arguments.
    const args = fs.readFileSync(`/proc/${proc.pid}/cmdline`, 'utf8').split('\0');
    expect(args).toContain('--max-semi-space-size=16');
    expect(args.slice(args.indexOf(bin))).toEqual([bin, 'lsp', '--stdio', '']);
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
    const code = await new Promise<number | null>((resolve) => (proc.exitCode !== null ? resolve(proc.exitCode) : proc.once('exit', resolve)));
    expect(code).toBe(0);
    conn.dispose();
  });

  it('other commands run as started: lint reading standard input is not restarted', async () => {
    const proc = spawn(process.execPath, [bin, 'lint', '--context', 'mail', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (c) => (out += c));
    // While it waits for its input, its arguments are the ones it was started with.
    await new Promise((r) => setTimeout(r, 300));
    const args = fs.readFileSync(`/proc/${proc.pid}/cmdline`, 'utf8').split('\0');
    expect(args).not.toContain('--max-semi-space-size=16');
    proc.stdin.end('server { listen 10143; protocol imap; }\n');
    const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
    expect(code).toBe(1);
    expect(out).toContain('no "auth_http" is defined for server');
  });
});
