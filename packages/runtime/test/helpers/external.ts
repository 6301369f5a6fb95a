/**
 * Helpers for end-to-end tests with real programs: whether a tool is installed, free
 * loopback ports, a private Dovecot (fixtures/runtime/dovecot.conf.in) started and
 * stopped by the test, and running a client program.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The path of a program, looked up on PATH and in the sbin directories, or null. */
export function which(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/local/sbin'];
  for (const d of dirs) {
    const p = path.join(d, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

export function pythonWorks(): boolean {
  const py = which('python3');
  return !!py && spawnSync(py, ['-c', 'import imaplib, poplib, smtplib'], { stdio: 'ignore' }).status === 0;
}

/** Ports the OS says are free now (bound to port 0 and released). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Server>((resolve) => {
          const s = net.createServer();
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect({ port, host: '127.0.0.1' }, () => {
        c.destroy();
        resolve(true);
      });
      c.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`nothing listens on ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Dovecot {
  imapPort: number;
  pop3Port: number;
  stop(): Promise<void>;
}

/** Starts a private Dovecot in `dir` with the given `user:password` accounts. */
export async function startDovecot(dir: string, users: Record<string, string>): Promise<Dovecot> {
  const bin = which('dovecot');
  if (!bin) throw new Error('dovecot is not installed');
  const [imapPort, pop3Port] = await freePorts(2);
  for (const d of ['run', 'state', 'home']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  // Dovecot's unprivileged processes need to get at the directories
  fs.chmodSync(dir, 0o755);
  fs.chmodSync(path.join(dir, 'home'), 0o1777);
  fs.writeFileSync(
    path.join(dir, 'users'),
    Object.entries(users)
      .map(([u, p]) => `${u}:{PLAIN}${p}::::::\n`)
      .join(''),
  );
  const conf = fs
    .readFileSync(path.join(repoRoot, 'fixtures/runtime/dovecot.conf.in'), 'utf8')
    .replaceAll('@DIR@', dir)
    .replaceAll('@IMAP_PORT@', String(imapPort))
    .replaceAll('@POP3_PORT@', String(pop3Port));
  const confFile = path.join(dir, 'dovecot.conf');
  fs.writeFileSync(confFile, conf);
  const child: ChildProcess = spawn(bin, ['-F', '-c', confFile], { detached: true, stdio: 'ignore' });
  try {
    await Promise.all([waitForPort(imapPort), waitForPort(pop3Port)]);
  } catch (err) {
    stopGroup(child);
    const log = fs.existsSync(path.join(dir, 'dovecot.log')) ? fs.readFileSync(path.join(dir, 'dovecot.log'), 'utf8') : '';
    throw new Error(`dovecot did not start: ${(err as Error).message}\n${log}`);
  }
  return {
    imapPort,
    pop3Port,
    stop: async () => {
      stopGroup(child);
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    },
  };
}

/** Stops a child we started and everything it forked (its own process group). */
function stopGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], input?: string, timeoutMs = 20_000): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}
