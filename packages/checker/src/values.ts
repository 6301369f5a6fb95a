/**
 * nginx's value syntaxes as the checker needs them: exact 64-bit results (BigInt) so that
 * nginx's limits and 32-bit truncations can be reproduced. The parsers themselves live in
 * @mailconf/schema; this module only adapts their results.
 */
import * as schema from '@mailconf/schema';
import type { ValueType } from '@mailconf/schema';

/** ngx_atoi: digits only, up to 2^63-1. */
export function atoi(s: string): bigint | null {
  return schema.parseNumber(s);
}

/** ngx_parse_size: digits with an optional k/K/m/M. */
export function size(s: string): bigint | null {
  return schema.parseSize(s);
}

/** ngx_parse_offset: like size, plus g/G. */
export function offset(s: string): bigint | null {
  return schema.parseOffset(s);
}

/** ngx_parse_time in the milliseconds flavour (timeout, proxy_timeout ...), in ms. */
export function timeMs(s: string): bigint | null {
  return schema.parseTime(s, 'ms');
}

/** ngx_parse_time in the seconds flavour (ssl_session_timeout, valid=, so_keepalive), in seconds. */
export function timeSec(s: string): bigint | null {
  const ms = schema.parseTime(s, 's');
  return ms === null ? null : ms / 1000n;
}

export function flag(s: string): boolean | null {
  return schema.parseFlag(s);
}

/**
 * A one-word value as the directive's standard reader reads it: the number, size, offset,
 * time or flag, null when the reader refuses it, undefined for value types read otherwise.
 */
export function readScalar(v: ValueType, s: string): bigint | boolean | null | undefined {
  switch (v.type) {
    case 'number':
      return atoi(s);
    case 'size':
      return size(s);
    case 'offset':
      return offset(s);
    case 'time':
      return v.unit === 'ms' ? timeMs(s) : timeSec(s);
    case 'flag':
      return flag(s);
    default:
      return undefined;
  }
}
