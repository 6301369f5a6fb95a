/**
 * The process around the proxy, as nginx's master: check the configuration, write `pid`,
 * run `worker_processes` workers sharing the listeners (node:cluster; one process when
 * there is one worker or `master_process off`), and handle signals — SIGTERM/SIGINT stop
 * (listeners closed, open sessions closed), SIGQUIT stops gracefully (sessions finish,
 * bounded by `worker_shutdown_timeout`), SIGHUP re-checks the configuration and reloads
 * it, keeping the old one (and saying why in the error log) when it has errors.
 *
 * The runtime never reads configuration text: `load` (from the CLI) parses and checks it.
 */
import cluster, { type Worker } from 'node:cluster';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MailModel } from '@mailconf/checker';
import { startProxy, type ProxyHandle, type ProxyOptions } from './server.js';

export interface LoadResult {
  /** null when the configuration has errors. */
  model: MailModel | null;
  /** The problems, formatted for a terminal (printed on start, logged on reload). */
  report: string;
  /** One line per error, for the error log on a failed reload. */
  errors: string[];
}

export interface RunOptions {
  /** Reads and checks the configuration (resolving the host names nginx resolves when it reads it). */
  load: () => LoadResult | Promise<LoadResult>;
  /** Base for relative paths (pid, error_log). */
  prefix: string;
  stderr?: (text: string) => void;
  /** Extra proxy options (TLS layer). */
  proxy?: Omit<ProxyOptions, 'prefix' | 'warn'>;
}

type Message = { type: 'stop'; graceful: boolean; timeoutMs: number | null } | { type: 'ready' } | { type: 'failed'; message: string };

function workerCount(model: MailModel): number {
  if (!model.main.master_process.value) return 1;
  const n = model.main.worker_processes.value;
  return n === 'auto' ? os.availableParallelism() : Math.max(1, n);
}

function pidPath(model: MailModel, prefix: string): string {
  return path.resolve(prefix, model.main.pid.value);
}

function writePid(file: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${process.pid}\n`);
  } catch (err) {
    throw new Error(`open() "${file}" failed (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function removePid(file: string | null): void {
  if (!file) return;
  try {
    if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file);
  } catch {
    // already gone
  }
}

/** Runs until stopped by a signal; resolves with the exit code. */
export async function runMaster(opts: RunOptions): Promise<number> {
  if (cluster.isWorker) return runWorker(opts);
  const stderr = opts.stderr ?? ((t: string) => process.stderr.write(t));
  const first = await opts.load();
  if (first.report) stderr(first.report);
  if (!first.model) {
    stderr('mailconf: configuration has errors, not started\n');
    return 1;
  }
  const model = first.model;
  const workers = workerCount(model);
  const proxyOptions: ProxyOptions = { ...opts.proxy, prefix: opts.prefix, warn: (m) => stderr(`mailconf: warning: ${m}\n`) };
  let pidFile: string | null = null;

  if (workers === 1) {
    let proxy: ProxyHandle;
    try {
      proxy = await startProxy(model, proxyOptions);
    } catch (err) {
      stderr(`mailconf: ${(err as Error).message}\n`);
      return 1;
    }
    try {
      pidFile = pidPath(model, opts.prefix);
      writePid(pidFile);
    } catch (err) {
      proxy.log.write('emerg', (err as Error).message);
      stderr(`mailconf: ${(err as Error).message}\n`);
      await proxy.close();
      return 1;
    }
    let current = model;
    return new Promise<number>((resolve) => {
      const stop = async (graceful: boolean) => {
        detach();
        await proxy.close({ graceful, timeoutMs: current.main.worker_shutdown_timeout.value });
        removePid(pidFile);
        resolve(0);
      };
      const reload = async () => {
        const next = await opts.load();
        if (!next.model) {
          for (const e of next.errors) proxy.log.write('emerg', e);
          proxy.log.write('notice', 'reload failed, the previous configuration stays in use');
          return;
        }
        try {
          await proxy.reload(next.model);
          current = next.model;
          proxy.log.write('notice', 'reconfiguring');
        } catch (err) {
          proxy.log.write('emerg', (err as Error).message);
        }
      };
      const onTerm = () => void stop(false);
      const onQuit = () => void stop(true);
      const onHup = () => void reload();
      const detach = () => {
        process.off('SIGTERM', onTerm);
        process.off('SIGINT', onTerm);
        process.off('SIGQUIT', onQuit);
        process.off('SIGHUP', onHup);
      };
      process.on('SIGTERM', onTerm);
      process.on('SIGINT', onTerm);
      process.on('SIGQUIT', onQuit);
      process.on('SIGHUP', onHup);
    });
  }

  // several workers: this process only supervises
  pidFile = pidPath(model, opts.prefix);
  try {
    writePid(pidFile);
  } catch (err) {
    stderr(`mailconf: ${(err as Error).message}\n`);
    return 1;
  }
  let generation = new Set<Worker>();
  let stopping = false;
  let current = model;
  // SIGHUPs in a row each start a generation; the one of the latest signal stays
  let reloads = 0;
  let installed = 0;

  const fork = (count: number): Promise<Set<Worker> | null> =>
    new Promise((resolve) => {
      const group = new Set<Worker>();
      let ready = 0;
      let failed = false;
      for (let i = 0; i < count; i++) {
        const w = cluster.fork({ MAILCONF_WORKER: '1' });
        group.add(w);
        w.on('message', (m: Message) => {
          if (m.type === 'ready' && ++ready === count && !failed) resolve(group);
          if (m.type === 'failed' && !failed) {
            failed = true;
            stderr(`mailconf: ${m.message}\n`);
            for (const x of group) x.kill();
            resolve(null);
          }
        });
      }
    });

  cluster.on('exit', (w, code) => {
    if (stopping || !generation.has(w)) return;
    // nginx's master respawns a worker that died
    generation.delete(w);
    stderr(`mailconf: worker ${w.process.pid} exited (${code}), starting another\n`);
    void fork(1).then((g) => g && g.forEach((x) => generation.add(x)));
  });

  const started = await fork(workers);
  if (!started) {
    removePid(pidFile);
    return 1;
  }
  generation = started;

  return new Promise<number>((resolve) => {
    const stopAll = (group: Set<Worker>, graceful: boolean) =>
      Promise.all(
        [...group].map(
          (w) =>
            new Promise<void>((res) => {
              if (w.isDead()) return res();
              w.once('exit', () => res());
              w.send({ type: 'stop', graceful, timeoutMs: current.main.worker_shutdown_timeout.value } satisfies Message);
            }),
        ),
      );
    const stop = async (graceful: boolean) => {
      stopping = true;
      await stopAll(generation, graceful);
      removePid(pidFile);
      resolve(0);
    };
    process.on('SIGTERM', () => void stop(false));
    process.on('SIGINT', () => void stop(false));
    process.on('SIGQUIT', () => void stop(true));
    process.on('SIGHUP', async () => {
      // Numbered when the signal comes: a later signal's configuration wins even if an earlier load finishes after it.
      const reload = ++reloads;
      const next = await opts.load();
      if (!next.model) {
        stderr(next.report);
        stderr('mailconf: reload failed, the previous configuration stays in use\n');
        return;
      }
      void fork(workerCount(next.model)).then((g) => {
        if (!g) return;
        // stopped meanwhile, or a later reload's workers are serving already: not wanted
        if (stopping || reload < installed) return void stopAll(g, false);
        installed = reload;
        // the generation serving now, which is not the one of the signal when reloads overlap
        const old = generation;
        current = next.model!;
        generation = g;
        void stopAll(old, true);
      });
    });
  });
}

/** A worker: loads the configuration itself (the same file), serves until told to stop. */
async function runWorker(opts: RunOptions): Promise<number> {
  const send = (m: Message) => process.send?.(m);
  const r = await opts.load();
  if (!r.model) {
    send({ type: 'failed', message: 'configuration has errors' });
    return 1;
  }
  let proxy: ProxyHandle;
  try {
    proxy = await startProxy(r.model, { ...opts.proxy, prefix: opts.prefix, warn: () => {} });
  } catch (err) {
    send({ type: 'failed', message: (err as Error).message });
    return 1;
  }
  send({ type: 'ready' });
  return new Promise<number>((resolve) => {
    process.on('message', (m: Message) => {
      if (m.type !== 'stop') return;
      // a worker's IPC channel would keep it alive: it ends itself once its sessions are done.
      // Not with process.exit right away: the master may have handed this worker a connection
      // before it read that the listener closed, and a worker gone before reading it loses that
      // client (connected, never greeted). cluster's disconnect first waits for the master's
      // answer, behind every such connection; the worker sends each back, then 'disconnect'
      // below ends it.
      void proxy.close({ graceful: m.graceful, timeoutMs: m.timeoutMs }).then(() => {
        resolve(0);
        if (cluster.worker) cluster.worker.disconnect();
        else setImmediate(() => process.exit(0));
        setTimeout(() => process.exit(0), 5000).unref();
      });
    });
    // without its master a worker stops
    process.on('disconnect', () => process.exit(0));
    // the master handles signals; a worker ignores the terminal's
    process.on('SIGINT', () => {});
    process.on('SIGHUP', () => {});
    process.on('SIGQUIT', () => {});
  });
}
