/**
 * `-` reads standard input to its end, also from a shell pipe whose writer is slow to start
 * (`slow-command | mailconf lint -`): there Node's readFileSync(0) fails with EAGAIN. The real
 * command (bin/mailconf.js, as installed) in its own process, behind a real shell pipe whose
 * input comes after a pause. Needs the build (`npm ci` makes it).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../test/support/shared.js';

const bundle = path.join(repoRoot, 'packages/cli/bin/mailconf.js');
const built = fs.existsSync(path.join(repoRoot, 'packages/cli/dist/index.js'));
if (!built) console.log('[skip] stdin: needs the build (npm run build)');

const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

/** `(sleep; printf first; sleep; printf rest) | mailconf ARGS`: empty before, between and after the writes. */
function behindSlowPipe(args: string[], input: string): Promise<{ code: number | null; out: string; err: string }> {
  // Long enough for the command to start and find the pipe empty.
  const writer = `sleep 1; printf '%s' ${quote(input.slice(0, 10))}; sleep 0.3; printf '%s' ${quote(input.slice(10))}`;
  const command = `(${writer}) | ${[process.execPath, bundle, ...args].map(quote).join(' ')}`;
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe.skipIf(process.platform === 'win32' || !built)('standard input behind a slow pipe', () => {
  it('lint - waits for the writer and reads everything', async () => {
    const r = await behindSlowPipe(['lint', '--context', 'mail', '-'], 'server { listen 10143; protocol imap; }\n');
    expect(r.err).toBe('');
    expect(r.out).toContain('-:1:1  error  no "auth_http" is defined for server');
    expect(r.code).toBe(1);
  });

  it('fmt - too', async () => {
    const r = await behindSlowPipe(['fmt', '-'], 'mail {\nserver { listen 10143; protocol imap; }\n}\n');
    expect(r.err).toBe('');
    expect(r.out).toBe('mail {\n    server {\n        listen 10143;\n        protocol imap;\n    }\n}\n');
    expect(r.code).toBe(0);
  });
});
