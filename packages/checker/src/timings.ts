/**
 * A stopwatch for `MAILCONF_TIMING=1` (docs/performance.md): `lap(name)` adds the time since
 * the last lap (or `restart`) to `timings[name]`. Without `timings` it does nothing, and never
 * reads the clock: the first use of `performance` loads Node's perf_hooks, a cost on every run.
 */
export interface Stopwatch {
  lap(name: string): void;
  restart(): void;
}

export function stopwatch(timings: Record<string, number> | undefined): Stopwatch {
  if (!timings) return { lap() {}, restart() {} };
  let last = performance.now();
  return {
    lap(name) {
      const now = performance.now();
      timings[name] = (timings[name] ?? 0) + now - last;
      last = now;
    },
    restart() {
      last = performance.now();
    },
  };
}
