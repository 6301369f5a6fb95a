/**
 * The mailconf process writes its output straight to descriptors 1 and 2 (io/output.ts), not
 * through Node's stream objects. Checked on the real command (bin/mailconf.js) in its own
 * process, with the descriptors a user's shell or a parent program gives it: a terminal
 * (colour), a file and /dev/null (none), and a pipe that another program made non-blocking,
 * whose writes fail with EAGAIN while the reader is slow. Python makes the terminal and the
 * pipe (Node has neither a pty nor a way to hand a child a non-blocking pipe).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../../test/support/shared.js';

const bin = path.join(repoRoot, 'packages/cli/bin/mailconf.js');
const built = fs.existsSync(path.join(repoRoot, 'packages/cli/dist/bundle/mailconf.cjs'));
const python = spawnSync('python3', ['-c', 'import pty, fcntl'], { encoding: 'utf8' }).status === 0;
if (!built || !python) console.log('[skip] output descriptors: needs the build (npm run build) and python3');

let dir: string;
let big: string;
let small: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-output-'));
  // A warning per server (plaintext auth): far more than a pipe holds (64 KiB).
  const servers = Array.from({ length: 3000 }, (_, i) => `    server {\n        listen ${10000 + i};\n        protocol imap;\n    }\n`).join('');
  big = path.join(dir, 'big.conf');
  fs.writeFileSync(big, `events {}\nmail {\n    auth_http 127.0.0.1:9000/auth;\n${servers}}\n`);
  small = path.join(dir, 'small.conf');
  fs.writeFileSync(small, 'events {}\nmail {\n    auth_http 127.0.0.1:9000/auth;\n    server {\n        listen 143;\n        protocol imap;\n    }\n}\n');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Colour settings removed, so the descriptor decides. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { NO_COLOR: _n, FORCE_COLOR: _f, ...rest } = process.env;
  return { ...rest, ...extra };
}

/** Runs `mailconf lint FILE` on a pseudo-terminal; returns what the terminal showed and the exit code. */
function onTerminal(file: string, extra: Record<string, string> = {}): { shown: string; code: number } {
  const script = [
    'import os, pty, sys, json',
    'pid, fd = pty.fork()',
    'if pid == 0:',
    '    os.execv(sys.argv[1], sys.argv[1:])',
    'out = b""',
    'while True:',
    '    try:',
    '        chunk = os.read(fd, 65536)',
    '    except OSError:',
    '        break',
    '    if not chunk:',
    '        break',
    '    out += chunk',
    '_, status = os.waitpid(pid, 0)',
    'print(json.dumps({"shown": out.decode(), "code": os.waitstatus_to_exitcode(status)}))',
  ].join('\n');
  const r = spawnSync('python3', ['-c', script, process.execPath, bin, 'lint', file], { encoding: 'utf8', env: env(extra) });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe.skipIf(!built || !python)('the command writing to its descriptors', () => {
  it('colours a terminal, unless NO_COLOR', () => {
    const coloured = onTerminal(small);
    expect(coloured.code).toBe(0);
    expect(coloured.shown).toContain('\x1b[33mwarning\x1b[0m');
    const plain = onTerminal(small, { NO_COLOR: '1' });
    expect(plain.shown).toContain('  warning  ');
    expect(plain.shown).not.toContain('\x1b[');
  });

  it('does not colour a file, and /dev/null is not a terminal', () => {
    const out = path.join(dir, 'out.txt');
    const fd = fs.openSync(out, 'w');
    const r = spawnSync(process.execPath, [bin, 'lint', small], { stdio: ['ignore', fd, 'pipe'], env: env(), encoding: 'utf8' });
    fs.closeSync(fd);
    expect(r.status).toBe(0);
    const text = fs.readFileSync(out, 'utf8');
    expect(text).toMatch(/small\.conf:5:9 {2}warning {2}IMAP passwords can be sent unencrypted/);
    expect(text).not.toContain('\x1b[');
    // /dev/null is a character device, as a terminal is: it is told apart without asking
    // node:tty (1.5 ms to load), which the run then never loads.
    const probe = path.join(dir, 'probe.cjs');
    const loaded = path.join(dir, 'loaded.json');
    fs.writeFileSync(probe, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(loaded)}, JSON.stringify(process.moduleLoadList)));\n`);
    const devNull = spawnSync(process.execPath, ['--require', probe, bin, 'lint', small], { stdio: ['ignore', 'ignore', 'pipe'], env: env(), encoding: 'utf8' });
    expect(devNull.status).toBe(0);
    expect(devNull.stderr).toBe('');
    expect(JSON.parse(fs.readFileSync(loaded, 'utf8'))).not.toContain('NativeModule tty');
  });

  it('writes everything to a non-blocking pipe whose reader is slow', () => {
    // The pipe's write end is made non-blocking before the command gets it; the reader waits
    // half a second before reading, so the command's writes meet a full pipe (EAGAIN).
    const script = [
      'import os, subprocess, sys, time',
      'r, w = os.pipe()',
      'os.set_blocking(w, False)',
      'p = subprocess.Popen(sys.argv[1:], stdout=w, stderr=subprocess.PIPE)',
      'os.close(w)',
      'time.sleep(0.5)',
      'out = b""',
      'while True:',
      '    chunk = os.read(r, 65536)',
      '    if not chunk:',
      '        break',
      '    out += chunk',
      'err = p.stderr.read()',
      'sys.stdout.write(str(p.wait()) + "\\n" + err.decode() + "\\n" + str(out.count(b"\\n")) + "\\n" + out.decode().splitlines()[-1])',
    ].join('\n');
    const r = spawnSync('python3', ['-c', script, process.execPath, bin, 'lint', big], { encoding: 'utf8', env: env() });
    const [code, stderr, lines, last] = r.stdout.split('\n');
    expect(stderr).toBe('');
    expect(code).toBe('1');
    // 3,000 warnings, the error (512 worker_connections for 3,000 sockets), a blank line and the summary: nothing lost.
    expect(Number(lines)).toBe(3003);
    expect(last).toBe('1 error, 3000 warnings');
  });
});
