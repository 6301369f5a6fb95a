/** Addresses and CIDR blocks as ngx_ptocidr reads them (set_real_ip_from, E3). */
import type { CidrValue } from '../model.js';
import { isHostName, numericIPv4 } from '../net/host-name.js';
import { formatIPv6, parseIPv4, parseIPv6 } from '../net/ipv6.js';


export type CidrResult = { ok: true; value: CidrValue; lowBits: boolean } | { ok: false };

/**
 * `hostNames`: whether what is not an address is looked up as a host name (set_real_ip_from,
 * debug_connection) or refused, as ngx_ptocidr alone does (allow, deny).
 */
export function parseCidr(text: string, hostNames = true): CidrResult {
  if (text === 'unix:') return { ok: true, value: { raw: text, family: 'unix', address: '', prefix: 0 }, lowBits: false };
  const slash = text.indexOf('/');
  const addr = slash === -1 ? text : text.slice(0, slash);
  const prefixText = slash === -1 ? null : text.slice(slash + 1);
  // ngx_inet_addr cannot return 255.255.255.255 (it is its INADDR_NONE): that text is no address for ngx_ptocidr
  const quad = parseIPv4(addr);
  const v4 = quad && quad.every((b) => b === 255) ? null : quad;
  const v6 = v4 ? null : parseIPv6(addr);
  if (!v4 && !v6) {
    if (!hostNames) return { ok: false };
    // Not an address nginx reads itself: resolved as a host name, each address a /32.
    const numeric = slash === -1 ? numericIPv4(addr) : null;
    if (numeric) return { ok: true, value: { raw: text, family: 'ipv4', address: numeric, prefix: 32 }, lowBits: false };
    if (slash === -1 && isHostName(addr)) {
      return { ok: true, value: { raw: text, family: 'host', address: addr, prefix: 0 }, lowBits: false };
    }
    return { ok: false };
  }
  const bits = v4 ? 32 : 128;
  let prefix = bits;
  if (prefixText !== null) {
    if (!/^[0-9]+$/.test(prefixText)) return { ok: false };
    prefix = Number(prefixText);
    if (prefix > bits) return { ok: false };
  }
  const bytes = v4 ? Uint8Array.from(v4) : v6!;
  let lowBits = false;
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    const mask = keep === 0 ? 0 : (0xff << (8 - keep)) & 0xff;
    if ((bytes[i]! & ~mask & 0xff) !== 0) lowBits = true;
  }
  return {
    ok: true,
    value: { raw: text, family: v4 ? 'ipv4' : 'ipv6', address: v4 ? v4.join('.') : formatIPv6(v6!), prefix },
    lowBits,
  };
}
