/** Keyword values: enums (`starttls`, `ssl_verify_client`) and bitmask words (`imap_auth`). */

/**
 * The listed keyword that `s` names, or null. nginx compares enum and bitmask words with
 * ngx_strcasecmp (ASCII letters only fold), except where a directive says otherwise.
 */
export function matchKeyword(s: string, values: readonly string[], caseSensitive = false): string | null {
  if (caseSensitive) return values.includes(s) ? s : null;
  const folded = asciiLower(s);
  return values.find((v) => asciiLower(v) === folded) ?? null;
}

function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}
