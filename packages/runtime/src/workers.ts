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
import { openFileLimit, rlimitIgnored } from './open-file-limit.js';

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

interface HeldSignals {
  stop: 'fast' | 'graceful' | null;
  reload: boolean;
}

/**
 * Signals that come while the master starts (reading the configuration, opening sockets,
 * starting workers) are held and acted on once it runs, as nginx handles them from its start;
 * without a handler Node ends the process on SIGHUP or SIGTERM. Under systemd, SIGTERM reaches
 * every process of the service at once, workers still starting included. `release` removes
 * the handlers and says what came.
 */
function holdSignals(onStop: () => void): { release(): HeldSignals } {
  const held: HeldSignals = { stop: null, reload: false };
  const stopWith = (how: 'fast' | 'graceful') => () => {
    held.stop ??= how;
    onStop();
  };
  const handlers: [NodeJS.Signals, () => void][] = [
    ['SIGTERM', stopWith('fast')],
    ['SIGINT', stopWith('fast')],
    ['SIGQUIT', stopWith('graceful')],
    ['SIGHUP', () => void (held.reload = true)],
  ];
  for (const [sig, h] of handlers) process.on(sig, h);
  return {
    release() {
      for (const [sig, h] of handlers) process.off(sig, h);
      return held;
    },
  };
}

/** Runs until stopped by a signal; resolves with the exit code. */
export async function runMaster(opts: RunOptions): Promise<number> {
  if (cluster.isWorker) return runWorker(opts);
  let stopAsked = false;
  const early = holdSignals(() => (stopAsked = true));
  try {
    return await runMasterHolding(opts, early, () => stopAsked);
  } finally {
    // Released already once the master runs; this covers a start that failed.
    early.release();
  }
}

async function runMasterHolding(opts: RunOptions, early: { release(): HeldSignals }, stopRequested: () => boolean): Promise<number> {
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
      const held = early.release();
      if (held.stop) void stop(held.stop === 'graceful');
      else if (held.reload) void reload();
    });
  }

  // several workers: this process only supervises (the workers say nothing of what they cannot apply: said here once)
  const ignored = rlimitIgnored(model.main.worker_rlimit_nofile.value, openFileLimit());
  if (ignored) proxyOptions.warn!(ignored);
  pidFile = pidPath(model, opts.prefix);
  try {
    writePid(pidFile);
  } catch (err) {
    stderr(`mailconf: ${(err as Error).message}\n`);
    return 1;
  }
  let generation = new Set<Worker>();
  let stopping = false;
  /** A worker was ended by a stop signal before it was ready. */
  let stoppedBySignal = false;
  let current = model;
  // SIGHUPs in a row each start a generation; the one of the latest signal stays
  let reloads = 0;
  let installed = 0;

  /**
   * Starts `count` workers. For a configuration taken (start, reload), the first of them logs
   * what nginx logs once per configuration (MAILCONF_CYCLE_LOG); a worker started again after
   * one died does not.
   */
  const fork = (count: number, newConfiguration = true): Promise<Set<Worker> | null> =>
    new Promise((resolve) => {
      const group = new Set<Worker>();
      let ready = 0;
      let failed = false;
      for (let i = 0; i < count; i++) {
        const w = cluster.fork({ MAILCONF_WORKER: '1', MAILCONF_CYCLE_LOG: newConfiguration && i === 0 ? '1' : '0' });
        // A send to a worker whose channel closed meanwhile fails with an 'error' event; its
        // 'exit' follows and is what counts.
        w.on('error', () => {});
        group.add(w);
        let isReady = false;
        const fail = (message: string | null) => {
          if (failed) return;
          failed = true;
          if (message) stderr(`mailconf: ${message}\n`);
          for (const x of group) x.kill();
          resolve(null);
        };
        w.on('message', (m: Message) => {
          if (m.type === 'ready') {
            isReady = true;
            if (++ready === count && !failed) resolve(group);
          }
          if (m.type === 'failed') fail(m.message);
        });
        // Gone before it was ready (killed, or a signal to the whole group): this start failed,
        // quietly when the master is stopping anyway.
        w.once('exit', (code, signal) => {
          if (isReady) return;
          // Ended by a stop signal: the whole service is being stopped (systemd signals every
          // process at once), and the master's own signal may not have been handled yet.
          if (signal === 'SIGTERM' || signal === 'SIGINT' || signal === 'SIGQUIT') stoppedBySignal = true;
          fail(stopping || stopRequested() || stoppedBySignal ? null : `worker ${w.process.pid} exited (${signal ?? code}) before it was ready`);
        });
      }
    });

  cluster.on('exit', (w, code) => {
    if (stopping || !generation.has(w)) return;
    // nginx's master respawns a worker that died
    generation.delete(w);
    stderr(`mailconf: worker ${w.process.pid} exited (${code}), starting another\n`);
    void fork(1, false).then((g) => g && g.forEach((x) => generation.add(x)));
  });

  const started = await fork(workers);
  // A stop asked for while the workers started ends the start: those started are stopped and
  // the master exits 0.
  if (stopRequested() || (!started && stoppedBySignal)) {
    if (started) {
      for (const w of started) {
        if (!w.isDead() && w.isConnected()) w.send({ type: 'stop', graceful: false, timeoutMs: null } satisfies Message);
      }
      await Promise.all([...started].map((w) => (w.isDead() ? undefined : new Promise((r) => w.once('exit', r)))));
    }
    removePid(pidFile);
    return 0;
  }
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
              // A worker whose channel is gone is ending already: under systemd, SIGTERM reaches
              // every process of the service at once, and the workers go as the master asks them.
              if (!w.isConnected()) return;
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
    process.on('SIGHUP', () => void reload());
    const held = early.release();
    if (held.stop) void stop(held.stop === 'graceful');
    else if (held.reload) void reload();
    async function reload() {
      // Numbered when the signal comes: a later signal's configuration wins even if an earlier load finishes after it.
      const number = ++reloads;
      const next = await opts.load();
      if (!next.model) {
        stderr(next.report);
        stderr('mailconf: reload failed, the previous configuration stays in use\n');
        return;
      }
      void fork(workerCount(next.model)).then((g) => {
        if (!g) return;
        // stopped meanwhile, or a later reload's workers are serving already: not wanted
        if (stopping || number < installed) return void stopAll(g, false);
        installed = number;
        // the generation serving now, which is not the one of the signal when reloads overlap
        const old = generation;
        current = next.model!;
        generation = g;
        void stopAll(old, true);
      });
    }
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
    proxy = await startProxy(r.model, { ...opts.proxy, prefix: opts.prefix, warn: () => {}, openFileWarning: process.env.MAILCONF_CYCLE_LOG === '1' });
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
