/** Limits of a 64-bit nginx build (NGX_MAX_INT_T_VALUE = NGX_MAX_SIZE_T_VALUE = NGX_MAX_OFF_T_VALUE). */
export const MAX_INT64 = 9223372036854775807n;

/**
 * Reads ASCII digits the way ngx_atoi/ngx_atosz/ngx_atoof do: digits only, not empty, and
 * rejected as soon as the value would pass `max`. Returns null where nginx returns NGX_ERROR.
 */
export function parseDigits(s: string, max: bigint = MAX_INT64): bigint | null {
  if (s.length === 0) return null;
  if (s.length <= 15) {
    // Up to 15 digits a double holds the value exactly: one BigInt instead of one per digit
    // (this runs for every number in a config). Past `max` is past it, whenever it is noticed.
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x30 || c > 0x39) return null;
    }
    const value = BigInt(Number(s));
    return value > max ? null : value;
  }
  const cutoff = max / 10n;
  const cutlim = max % 10n;
  let value = 0n;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return null;
    const digit = BigInt(c - 0x30);
    if (value >= cutoff && (value > cutoff || digit > cutlim)) return null;
    value = value * 10n + digit;
  }
  return value;
}
