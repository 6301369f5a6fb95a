/**
 * Open files against worker_connections, as nginx checks them when a configuration is taken
 * (ngx_event_module_init): every connection is an open file, so a worker whose limit is lower
 * than worker_connections fails to accept (`accept4() failed (24: Too many open files)`) long
 * before it has that many connections. nginx only warns, in the error log, at start and on
 * each reload.
 *
 * nginx raises its workers' limit to worker_rlimit_nofile (setrlimit); Node.js cannot change a
 * process's limits, so `mailconf run` keeps the one it was started with and says so.
 */
import * as fs from 'node:fs';

/**
 * The soft limit on open files of this process (RLIMIT_NOFILE), from /proc/self/limits;
 * Infinity when unlimited, null where it cannot be read (not Linux).
 */
export function openFileLimit(read: () => string = () => fs.readFileSync('/proc/self/limits', 'utf8')): number | null {
  let text: string;
  try {
    text = read();
  } catch {
    return null;
  }
  const m = /^Max open files\s+(\S+)/m.exec(text);
  if (!m) return null;
  if (m[1] === 'unlimited') return Infinity;
  const n = Number(m[1]);
  return Number.isInteger(n) ? n : null;
}

/**
 * nginx's warning for these values, or null when it gives none: worker_connections above the
 * limit the process has and, when worker_rlimit_nofile is set, above that too (the limit it
 * names is then worker_rlimit_nofile, the one nginx would give its workers).
 */
export function openFileWarning(connections: number, rlimitNofile: number | null, soft: number | null): string | null {
  if (soft === null || connections <= soft) return null;
  if (rlimitNofile !== null && connections <= rlimitNofile) return null;
  return `${connections} worker_connections exceed open file resource limit: ${rlimitNofile ?? soft}`;
}

/** What `mailconf run` says of worker_rlimit_nofile, which it cannot apply; null when it is not set. */
export function rlimitIgnored(rlimitNofile: number | null, soft: number | null): string | null {
  if (rlimitNofile === null) return null;
  const stays = soft === null ? '' : `: the limit stays ${soft === Infinity ? 'unlimited' : soft}`;
  return `worker_rlimit_nofile cannot be applied by Node.js and is ignored${stays}`;
}
