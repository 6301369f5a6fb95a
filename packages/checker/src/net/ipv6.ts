/**
 * IPv6 text ⇄ bytes, as nginx reads and prints addresses (ngx_inet6_addr, ngx_inet6_ntop):
 * addresses compare in binary (`[0:0::0]` is `[::]`), and print with the longest run of
 * two or more zero groups compressed, lowercase hex.
 */

/** Whether formatIPv6 text is an IPv4-mapped address (`::ffff:a.b.c.d`: it writes those, and only those, so). */
export function isIPv4Mapped(text: string): boolean {
  return /^::ffff:[0-9.]+$/.test(text);
}

/**
 * The 16 bytes of an address Node or a DNS answer wrote (scope `%eth0` ignored), for comparing
 * and encoding; null when it is not IPv6.
 */
export function ipv6Bytes(text: string): Uint8Array | null {
  const scope = text.indexOf('%');
  return parseIPv6(scope === -1 ? text : text.slice(0, scope));
}

export function parseIPv6(text: string): Uint8Array | null {
  // ngx_inet6_addr, step by step: its leniencies decide what nginx accepts (a leading ':'
  // is skipped; the dotted tail is read by ngx_inet_addr, so `::1..2.3` is an address).
  const len = text.length;
  if (len === 0) return null;
  const addr = new Uint8Array(16);
  let at = 0;
  let zero = -1;
  let digit = -1;
  let nibbles = 0;
  let word = 0;
  let n = 8;
  let i = text.charCodeAt(0) === 58 /* : */ ? 1 : 0;
  for (; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c === 58 /* : */) {
      if (nibbles) {
        digit = i + 1;
        addr[at++] = word >> 8;
        addr[at++] = word & 0xff;
        if (--n) {
          nibbles = 0;
          word = 0;
          continue;
        }
      } else if (zero === -1) {
        digit = i + 1;
        zero = at;
        continue;
      }
      return null;
    }
    if (c === 46 /* . */ && nibbles) {
      if (n < 2 || digit === -1) return null;
      const v4 = parseIPv4(text.slice(digit));
      if (!v4) return null;
      addr[at++] = v4[0]!;
      addr[at++] = v4[1]!;
      word = (v4[2]! << 8) | v4[3]!;
      n--;
      break;
    }
    if (++nibbles > 4) return null;
    const h = hexValue(c);
    if (h < 0) return null;
    word = word * 16 + h;
  }
  if (nibbles === 0 && zero === -1) return null;
  addr[at++] = word >> 8;
  addr[at++] = word & 0xff;
  if (--n) {
    if (zero === -1) return null;
    // Move what followed the `::` to the end, zeros in between.
    const shift = n * 2;
    for (let k = at - 1; k >= zero; k--) addr[k + shift] = addr[k]!;
    addr.fill(0, zero, zero + shift);
    return addr;
  }
  return zero === -1 ? addr : null;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/**
 * An IPv4 address as nginx reads one (ngx_inet_addr): decimal parts separated by exactly
 * three dots, each at most 255 — and nothing stricter: a part may be zero-padded or empty
 * (`0001.2.3.4` is 1.2.3.4, `1..2.3` is 1.0.2.3, `...` is 0.0.0.0).
 */
export function parseIPv4(text: string): number[] | null {
  const out = [0, 0, 0, 0];
  let octet = 0;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48);
      if (octet > 255) return null;
    } else if (c === 46 && n < 3) {
      out[n++] = octet;
      octet = 0;
    } else {
      return null;
    }
  }
  if (n !== 3) return null;
  out[3] = octet;
  return out;
}

export function formatIPv6(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  // Longest run of zero groups, at least two long, the first one on ties.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number) => g.toString(16);
  // nginx (ngx_inet6_ntop) writes the last 32 bits as a dotted quad after a leading run of
  // five zero groups and ffff (IPv4-mapped), of six (IPv4-compatible), and of seven when the
  // last two bytes are neither 0.x nor x.1: `::ffff:127.0.0.1`, `::127.0.0.1`, `::0.0.2.3`.
  if (
    bestStart === 0 &&
    ((bestLen === 5 && groups[5] === 0xffff) || bestLen === 6 || (bestLen === 7 && bytes[14] !== 0 && bytes[15] !== 1))
  ) {
    const quad = `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
    return bestLen === 5 ? `::ffff:${quad}` : `::${quad}`;
  }
  if (bestStart === -1) return groups.map(hex).join(':');
  const left = groups.slice(0, bestStart).map(hex).join(':');
  const right = groups.slice(bestStart + bestLen).map(hex).join(':');
  return `${left}::${right}`;
}
