/** `size` values (ngx_parse_size; config-language.md §10.2): buffers, listen `rcvbuf=`/`sndbuf=`. */
import { MAX_INT64, parseDigits } from './limits.js';

const UNITS: Record<string, bigint> = { k: 1024n, K: 1024n, m: 1048576n, M: 1048576n };

/**
 * Size in bytes, or null where nginx says `invalid value`: digits with at most one trailing
 * `k`/`K` or `m`/`M`; the number before the unit may not exceed 2^63-1 divided by the unit.
 */
export function parseSize(s: string): bigint | null {
  return parseScaled(s, UNITS);
}

/** Shared by size and offset: the last character may be a unit, the rest must be digits. */
export function parseScaled(s: string, units: Record<string, bigint>): bigint | null {
  if (s.length === 0) return null;
  const scale = units[s[s.length - 1]!];
  const digits = scale === undefined ? s : s.slice(0, -1);
  const n = parseDigits(digits);
  if (n === null) return null;
  const unit = scale ?? 1n;
  if (n > MAX_INT64 / unit) return null;
  return n * unit;
}
