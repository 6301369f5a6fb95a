/**
 * IPv6 text ⇄ bytes, as nginx reads and prints addresses (ngx_inet6_addr, ngx_inet6_ntop):
 * addresses compare in binary (`[0:0::0]` is `[::]`), and print with the longest run of
 * two or more zero groups compressed, lowercase hex.
 */

export function parseIPv6(text: string): Uint8Array | null {
  if (text.length === 0 || text.length > 45) return null;
  let head: string[] = [];
  let tail: string[] = [];
  const dbl = text.indexOf('::');
  if (dbl !== -1) {
    if (text.indexOf('::', dbl + 1) !== -1) return null;
    const a = text.slice(0, dbl);
    const b = text.slice(dbl + 2);
    head = a ? a.split(':') : [];
    tail = b ? b.split(':') : [];
  } else {
    head = text.split(':');
  }
  const groups: number[] = [];
  const pushGroups = (parts: string[], out: number[], allowV4: boolean): boolean => {
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (allowV4 && i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIPv4(p);
        if (!v4) return false;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return false;
      out.push(parseInt(p, 16));
    }
    return true;
  };
  const h: number[] = [];
  const t: number[] = [];
  if (!pushGroups(head, h, dbl === -1)) return null;
  if (!pushGroups(tail, t, true)) return null;
  if (dbl === -1) {
    if (h.length !== 8) return null;
    groups.push(...h);
  } else {
    if (h.length + t.length > 7) return null;
    groups.push(...h, ...new Array(8 - h.length - t.length).fill(0), ...t);
  }
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

/** Strict dotted quad (inet_addr as nginx uses it). */
export function parseIPv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
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
  if (bestStart === -1) return groups.map(hex).join(':');
  const left = groups.slice(0, bestStart).map(hex).join(':');
  const right = groups.slice(bestStart + bestLen).map(hex).join(':');
  return `${left}::${right}`;
}
