/**
 * The error log, written as nginx writes it (proxy-runtime.md §7):
 *
 *   2024/05/01 12:00:00 [info] 4242#0: *7 client logged in, client: 127.0.0.1, server: ...
 *
 * Lines carry raw bytes (client input, logins) exactly as nginx copies them, are cut at
 * nginx's 2048-byte limit, and go to every configured target whose level admits them.
 * Passwords are never handed to the log: no message in this package contains one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const LEVELS = { emerg: 1, alert: 2, crit: 3, error: 4, warn: 5, notice: 6, info: 7, debug: 8 } as const;
export type Level = keyof typeof LEVELS;

/** nginx's NGX_MAX_ERROR_STR: a log line (with its newline) never exceeds this. */
const MAX_LINE = 2048;

export interface LogTarget {
  /** Most verbose level written (a LEVELS value). */
  level: number;
  write(line: Buffer): void;
  close(): void;
}

/** `error_log` values as written in the model: `target [level]`. */
export interface LogSpec {
  target: string;
  level: string;
}

export function levelNumber(level: string): number {
  const first = level.trim().split(/\s+/)[0] ?? '';
  if (first in LEVELS) return LEVELS[first as Level];
  // `debug_core debug_mail ...` masks mean debug
  if (first.startsWith('debug')) return LEVELS.debug;
  return LEVELS.error;
}

class FileTarget implements LogTarget {
  private fd: number | null;
  constructor(
    readonly file: string,
    readonly level: number,
  ) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = fs.openSync(file, 'a');
  }
  write(line: Buffer): void {
    if (this.fd === null) return;
    try {
      fs.writeSync(this.fd, line);
    } catch {
      // a full disk must not take the proxy down; nginx ignores write errors too
    }
  }
  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}

class StreamTarget implements LogTarget {
  constructor(
    private readonly stream: NodeJS.WritableStream,
    readonly level: number,
  ) {}
  write(line: Buffer): void {
    this.stream.write(line);
  }
  close(): void {}
}

export interface OpenLogsResult {
  targets: LogTarget[];
  /** Targets Node cannot write (syslog:, memory:), to warn about once. */
  unsupported: string[];
}

/** Opens the files of `error_log` values; relative paths are relative to `prefix`. */
export function openTargets(specs: readonly LogSpec[], prefix: string, cache = new Map<string, LogTarget>()): OpenLogsResult {
  const targets: LogTarget[] = [];
  const unsupported: string[] = [];
  for (const spec of specs) {
    const level = levelNumber(spec.level);
    if (spec.target === 'stderr') {
      targets.push(new StreamTarget(process.stderr, level));
      continue;
    }
    if (spec.target.startsWith('syslog:') || spec.target.startsWith('memory:')) {
      unsupported.push(spec.target);
      continue;
    }
    const file = path.resolve(prefix, spec.target);
    const key = `${file}\0${level}`;
    let t = cache.get(key);
    if (!t) {
      t = new FileTarget(file, level);
      cache.set(key, t);
    }
    targets.push(t);
  }
  return { targets, unsupported };
}

function timestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export type Text = string | Buffer;

const toBuf = (t: Text) => (typeof t === 'string' ? Buffer.from(t, 'latin1') : t);

/** A set of targets: the main error log, or a mail server's own. */
export class ErrorLog {
  readonly maxLevel: number;
  constructor(
    readonly targets: readonly LogTarget[],
    private readonly pid: number = process.pid,
  ) {
    this.maxLevel = targets.reduce((m, t) => Math.max(m, t.level), 0);
  }

  enabled(level: Level): boolean {
    return LEVELS[level] <= this.maxLevel;
  }

  /**
   * Writes `[level] pid#0: [*conn ]message[errno][context]`. `message` and `context` may
   * hold raw bytes; strings are taken as latin1 so that bytes pass through unchanged.
   */
  write(level: Level, message: Text, opts: { conn?: number; errno?: string; context?: Text } = {}): void {
    const n = LEVELS[level];
    if (n > this.maxLevel) return;
    const head = Buffer.from(`${timestamp(new Date())} [${level}] ${this.pid}#0: ${opts.conn ? `*${opts.conn} ` : ''}`, 'latin1');
    const parts = [head, toBuf(message)];
    if (opts.errno) parts.push(Buffer.from(opts.errno, 'latin1'));
    if (opts.context) parts.push(toBuf(opts.context));
    let line = Buffer.concat(parts);
    if (line.length > MAX_LINE - 1) line = line.subarray(0, MAX_LINE - 1);
    line = Buffer.concat([line, Buffer.from('\n')]);
    for (const t of this.targets) if (n <= t.level) t.write(line);
  }
}
