/** `offset` values (ngx_parse_offset; config-language.md §10.3): `worker_rlimit_core`, ... */
import { parseScaled } from './size.js';

const UNITS: Record<string, bigint> = {
  k: 1024n, K: 1024n, m: 1048576n, M: 1048576n, g: 1073741824n, G: 1073741824n,
};

/** Like a size, plus `g`/`G` (×2^30). Null where nginx says `invalid value`. */
export function parseOffset(s: string): bigint | null {
  return parseScaled(s, UNITS);
}
