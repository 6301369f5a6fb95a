/** `number` values (ngx_atoi; config-language.md §10.1): `max_errors`, `ssl_verify_depth`, ... */
import { parseDigits } from './limits.js';

/**
 * The value nginx reads, or null where it says `invalid number`: one or more ASCII digits
 * (leading zeros are decimal), at most 9223372036854775807. No sign, unit, hex or fraction.
 */
export function parseNumber(s: string): bigint | null {
  return parseDigits(s);
}
