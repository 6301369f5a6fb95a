/**
 * `mailconf run` with `worker_processes 2`, as a real command: the CLI is bundled from the
 * sources (esbuild, as scripts/bundle-cli.mjs does) into a temporary directory and run with
 * this Node. Two workers serve connections (their pids show in the error log's `PID#0`
 * field, both children of the master whose pid is in `pid`); a worker that is killed is
 * replaced and connections are still served; SIGHUP reloads the configuration in a new
 * generation of workers while the old one leaves, no client connecting meanwhile is lost, and
 * of two quick reloads only the last one's workers stay; SIGTERM stops every process (closing open
 * sessions rather than waiting for them) and removes
 * the pid file. Skipped, with a note, when esbuild is not installed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from './helpers/client.js';
import { freePorts, repoRoot, waitForPort } from './helpers/external.js';

type Esbuild = typeof import('esbuild');
let esbuild: Esbuild | null = null;
try {
  esbuild = await import('esbuild');
} catch {
  console.log('e2e-workers: skipped, esbuild is not installed (it bundles the command from its sources)');
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The parent pid of a process, where /proc tells. */
function parentOf(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/** The processes whose parent is `pid`, where /proc tells. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) if (/^\d+$/.test(name) && alive(Number(name)) && parentOf(Number(name)) === pid) out.push(Number(name));
  return out;
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!esbuild)('mailconf run with worker_processes 2', () => {
  let dir: string;
  let port: number;
  let master: ChildProcess;
  let stderr = '';
  const pidFile = () => path.join(dir, 'run.pid');
  const logFile = () => path.join(dir, 'error.log');
  const seen = new Set<number>();

  const config = (extra = '') =>
    `daemon off;\nworker_processes 2;\nerror_log ${logFile()} info;\npid ${pidFile()};\nevents { worker_connections 64; }\nmail {\n  auth_http 127.0.0.1:9/auth;\n  server { listen 127.0.0.1:${port}; protocol imap; ${extra} }\n}\n`;

  /** Connects `n` clients one after another: the capability line each got, and the pid of the worker that served it. */
  async function serve(n: number): Promise<{ caps: string; pid: number }[]> {
    const out: { caps: string; localPort: number }[] = [];
    for (let i = 0; i < n; i++) {
      const c = await TestClient.connect(port);
      expect(await c.read(/\r\n/, 5000)).toBe('* OK IMAP4 ready\r\n');
      c.send('a1 CAPABILITY\r\n');
      out.push({ caps: await c.read(/\r\n/, 5000), localPort: c.socket.localPort! });
      c.close();
    }
    const byPort = new Map<number, number>();
    await waitFor(() => {
      for (const m of fs.readFileSync(logFile(), 'latin1').matchAll(/\[info\] (\d+)#0: \*\d+ client 127\.0\.0\.1:(\d+) connected to/g)) byPort.set(Number(m[2]), Number(m[1]));
      return out.every((o) => byPort.has(o.localPort));
    }, 'the log lines of the connections');
    return out.map((o) => ({ caps: o.caps, pid: byPort.get(o.localPort)! }));
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-workers-'));
    [port] = await freePorts(1);
    const pkg = (name: string) => path.join(repoRoot, 'packages', name, 'src', 'index.ts');
    await esbuild!.build({
      stdin: { contents: "import { main } from './packages/cli/src/index.ts';\nmain(process.argv).then((code) => { process.exitCode = code; });", resolveDir: repoRoot, loader: 'ts' },
      outfile: path.join(dir, 'mailconf.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      alias: Object.fromEntries(['syntax', 'schema', 'checker', 'format', 'runtime', 'lsp'].map((n) => [`@mailconf/${n}`, pkg(n)])),
      // loaded only when docs are asked for
      external: ['@nginx/reference-lib'],
      banner: { js: "import { createRequire as __mailconfCreateRequire } from 'node:module'; const require = __mailconfCreateRequire(import.meta.url);" },
      logLevel: 'silent',
    });
    fs.writeFileSync(path.join(dir, 'nginx.conf'), config());
    master = spawn(process.execPath, [path.join(dir, 'mailconf.mjs'), 'run', path.join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    master.stderr!.on('data', (d) => (stderr += d));
    await waitFor(() => fs.existsSync(pidFile()) || master.exitCode !== null, 'the pid file');
    expect(master.exitCode, stderr).toBe(null);
    await waitForPort(port);
  }, 60_000);

  afterAll(() => {
    // whatever a failed test left running: the master and the workers it started
    for (const pid of seen) if (alive(pid)) process.kill(pid, 'SIGKILL');
    if (master && master.exitCode === null) master.kill('SIGKILL');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes the master\'s pid, and two workers, its children, serve connections', async () => {
    expect(fs.readFileSync(pidFile(), 'utf8')).toBe(`${master.pid}\n`);
    // The pid file is written before the workers start (as nginx does), and the port answers
    // once the first one listens: under load the second may still be starting for a while.
    let pids = new Set<number>();
    await waitFor(async () => {
      pids = new Set((await serve(8)).map((s) => s.pid));
      return pids.size === 2;
    }, 'both workers to serve', 20_000);
    pids.forEach((p) => seen.add(p));
    expect(pids.size).toBe(2);
    expect(pids.has(master.pid!)).toBe(false);
    for (const pid of pids) {
      const parent = parentOf(pid);
      if (parent !== null) expect(parent).toBe(master.pid);
    }
  }, 30_000);

  it('replaces a worker that dies, and keeps serving', async () => {
    const before = new Set((await serve(4)).map((s) => s.pid));
    const victim = [...before][0]!;
    process.kill(victim, 'SIGKILL');
    await waitFor(() => stderr.includes(`worker ${victim} exited`), 'the master to notice');
    let pids = new Set<number>();
    await waitFor(async () => {
      pids = new Set((await serve(4)).map((s) => s.pid));
      return pids.size === 2;
    }, 'two workers again');
    pids.forEach((p) => seen.add(p));
    expect(pids.has(victim)).toBe(false);
    expect(alive(victim)).toBe(false);
  });

  it('reloads on SIGHUP across workers: new workers with the new configuration, the old ones leave', async () => {
    const old = new Set((await serve(4)).map((s) => s.pid));
    fs.writeFileSync(path.join(dir, 'nginx.conf'), config('imap_capabilities IMAP4rev1 IDLE;'));
    process.kill(master.pid!, 'SIGHUP');
    await waitFor(async () => (await serve(1))[0]!.caps === '* CAPABILITY IMAP4rev1 IDLE AUTH=PLAIN\r\n', 'the new configuration');
    // every new connection, on either new worker, gets it
    const after = await serve(6);
    after.forEach((s) => seen.add(s.pid));
    expect(after.map((s) => s.caps)).toEqual(Array(6).fill('* CAPABILITY IMAP4rev1 IDLE AUTH=PLAIN\r\n'));
    const pids = new Set(after.map((s) => s.pid));
    expect(pids.size).toBe(2);
    for (const p of pids) expect(old.has(p)).toBe(false);
    await waitFor(() => [...old].every((p) => !alive(p)), 'the old workers to leave');
  });

  it('loses no client while reloading: every connection made across reloads is greeted', async () => {
    // Clients connect without a pause while the configuration is reloaded again and again:
    // a connection the master hands to an old worker as it leaves must still be served (by
    // it, or sent back and served by another). It was lost, connected and never greeted,
    // in about one reload in four when a leaving worker exited without a word to the master.
    let stop = false;
    const lost: string[] = [];
    let greeted = 0;
    const connectLoop = async () => {
      while (!stop) {
        const c = await TestClient.connect(port);
        const line = await c.read(/\r\n/, 3000);
        if (line === '* OK IMAP4 ready\r\n') greeted++;
        else lost.push(JSON.stringify(line) + (c.closed ? ' (closed)' : ' (silent for 3 s)'));
        c.close();
      }
    };
    const loops = [connectLoop(), connectLoop(), connectLoop()];
    for (let i = 0; i < 8; i++) {
      fs.writeFileSync(path.join(dir, 'nginx.conf'), config(i % 2 ? '' : 'imap_capabilities IMAP4rev1;'));
      process.kill(master.pid!, 'SIGHUP');
      await new Promise((r) => setTimeout(r, 600));
    }
    stop = true;
    await Promise.all(loops);
    expect(lost).toEqual([]);
    expect(greeted).toBeGreaterThan(100);
  }, 30_000);

  it('keeps the workers of the last of two quick reloads, and only those', async () => {
    // The second SIGHUP comes while the first one's workers are starting: both generations
    // start, the older is sent away, and two workers remain (neither reload's workers leak).
    process.kill(master.pid!, 'SIGHUP');
    await new Promise((r) => setTimeout(r, 50));
    fs.writeFileSync(path.join(dir, 'nginx.conf'), config('imap_capabilities IMAP4rev1 LAST;'));
    process.kill(master.pid!, 'SIGHUP');
    await waitFor(async () => (await serve(1))[0]!.caps === '* CAPABILITY IMAP4rev1 LAST AUTH=PLAIN\r\n', 'the last configuration');
    await waitFor(() => childrenOf(master.pid!).length === 2, 'two workers', 15_000);
    // and it stays so
    await new Promise((r) => setTimeout(r, 1000));
    const workers = childrenOf(master.pid!);
    workers.forEach((p) => seen.add(p));
    expect(workers).toHaveLength(2);
  }, 30_000);

  it('stops every process on SIGTERM and removes the pid file, closing the sessions still open', async () => {
    const workers = new Set((await serve(4)).map((s) => s.pid));
    // clients that stay connected without a word: a stop closes them instead of waiting for them
    const idle = await Promise.all([1, 2, 3, 4].map(() => TestClient.connect(port)));
    for (const c of idle) expect(await c.read(/\r\n/, 5000)).toBe('* OK IMAP4 ready\r\n');
    const exited = new Promise<number | null>((r) => master.once('exit', (code) => r(code)));
    process.kill(master.pid!, 'SIGTERM');
    expect(await exited).toBe(0);
    expect(fs.existsSync(pidFile())).toBe(false);
    await waitFor(() => [...workers].every((p) => !alive(p)), 'the workers to stop', 5000);
    for (const c of idle) {
      await c.read(/never/, 2000);
      expect(c.closed).toBe(true);
    }
    await expect(TestClient.connect(port)).rejects.toThrow();
  }, 20_000);
});
