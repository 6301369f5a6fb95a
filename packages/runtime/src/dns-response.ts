/**
 * Reading a DNS response the way nginx's resolver does (ngx_resolver_process_response and
 * its PTR / A / AAAA handlers): a response that is malformed, answers another question,
 * carries the wrong id or a FORMERR is logged and ignored — the lookup goes on waiting for
 * a good answer or `resolver_timeout` — while SERVFAIL, NXDOMAIN, NOTIMP and REFUSED end
 * it. Pure: takes the bytes and the pending query, returns what to do and what to log.
 */

export const TYPE_A = 1;
export const TYPE_CNAME = 5;
export const TYPE_PTR = 12;
export const TYPE_AAAA = 28;
const TYPE_DNAME = 39;

const FORMERR = 1;
const NXDOMAIN = 3;
const REFUSED = 5;

/** nginx's resolver error texts (ngx_resolver_strerror). */
export function dnsStrerror(code: number): string {
  return ['Format error', 'Server failure', 'Host not found', 'Unimplemented', 'Operation refused'][code - 1] ?? (code === 110 ? 'Operation timed out' : 'Unknown error');
}

export interface PendingQuery {
  id: number;
  /** The name asked for, without the final dot. */
  name: string;
  type: number;
}

export type DnsAnswer =
  /** Names (PTR) or addresses (A/AAAA, IPv6 as eight hex groups); `cname` when an A/AAAA answer held only a CNAME. */
  | { ok: true; names: string[]; addrs: string[]; cname: string | null; ttl: number }
  | { ok: false; code: number };

/** What to do with a response, and the lines nginx's resolver logs about it (level error, no context). */
export type DnsVerdict =
  /** The answer to the pending query. */
  | { kind: 'answer'; answer: DnsAnswer; logs: string[] }
  /** Not an answer to use: the lookup goes on. */
  | { kind: 'ignore'; logs: string[] };

/** A name at `off` (compression allowed), as ngx_resolver_copy reads it; lower-cased. */
function copyName(m: Buffer, off: number): string | { error: string } {
  const labels: string[] = [];
  for (let hops = 0; hops < 128; hops++) {
    if (off >= m.length) return { error: 'name is out of DNS response' };
    const len = m[off]!;
    if (len === 0) return labels.join('.');
    if ((len & 0xc0) === 0xc0) {
      if (off + 1 >= m.length) return { error: 'name is out of DNS response' };
      off = ((len & 0x3f) << 8) | m[off + 1]!;
      continue;
    }
    if (len & 0xc0) return { error: 'invalid label type in DNS response' };
    if (off + 1 + len > m.length) return { error: 'name is out of DNS response' };
    labels.push(m.toString('latin1', off + 1, off + 1 + len).toLowerCase());
    off += 1 + len;
  }
  return { error: 'compression pointers loop in DNS response' };
}

/** Skips an owner name at `off` as nginx does: the offset after it, or null when it runs out. */
function skipOwner(m: Buffer, off: number): number | 'short' | 'invalid' {
  const start = off;
  while (off < m.length) {
    const b = m[off]!;
    if (b & 0xc0) return off + 2;
    if (b === 0) return off + 1 - start < 2 ? 'invalid' : off + 1;
    off += 1 + b;
  }
  return 'short';
}

const hex16 = (b: Buffer) => Array.from({ length: 8 }, (_, i) => b.readUInt16BE(i * 2).toString(16)).join(':');

export function readDnsResponse(m: Buffer, q: PendingQuery): DnsVerdict {
  const logs: string[] = [];
  const ignore = (log: string | null): DnsVerdict => {
    if (log) logs.push(log);
    return { kind: 'ignore', logs };
  };
  const answer = (a: DnsAnswer): DnsVerdict => ({ kind: 'answer', answer: a, logs });
  if (m.length < 12) return ignore('short DNS response');
  const ident = m.readUInt16BE(0);
  const flags = m.readUInt16BE(2);
  const nqs = m.readUInt16BE(4);
  const nan = m.readUInt16BE(6);
  if ((flags & 0xf870) !== 0x8000) return ignore(`invalid UDP DNS response ${ident} fl:${flags.toString(16).toUpperCase().padStart(4, '0')}`);
  const code = flags & 0xf;
  if (code === FORMERR) {
    return ignore(`DNS error (${code}: ${dnsStrerror(code)}), query id:${ident}${ident === q.id ? `, name:"${q.name}"` : ''}`);
  }
  if (code > REFUSED) return ignore(`DNS error (${code}: ${dnsStrerror(code)}), query id:${ident}`);
  if (nqs !== 1) return ignore('invalid number of questions in DNS response');

  // the question: plain labels only
  let i = 12;
  for (;;) {
    if (i >= m.length) return ignore('short DNS response');
    const b = m[i]!;
    if (b & 0xc0) return ignore('unexpected compression pointer in DNS response');
    if (b === 0) break;
    i += 1 + b;
  }
  if (i++ === 12) return ignore('zero-length domain name in DNS response');
  if (i + 4 + nan * 12 > m.length) return ignore('short DNS response');
  const qtype = m.readUInt16BE(i);
  const qclass = m.readUInt16BE(i + 2);
  if (qclass !== 1) return ignore(`unknown query class ${qclass} in DNS response`);
  if (qtype !== TYPE_A && qtype !== TYPE_AAAA && qtype !== TYPE_PTR) return ignore(`unknown query type ${qtype} in DNS response`);
  const qname = copyName(m, 12);
  if (typeof qname !== 'string') return ignore(qname.error);
  if (qtype === TYPE_PTR && !/\.(in-addr|ip6)\.arpa$/.test(qname)) return ignore('invalid in-addr.arpa or ip6.arpa name in DNS response');
  if (qtype !== q.type || qname !== q.name.toLowerCase()) return ignore(`unexpected DNS response for ${qname}`);
  if (ident !== q.id) return ignore(`wrong ident ${ident} in DNS response for ${qname}, expect ${q.id}`);

  if (code) return answer({ ok: false, code });
  if (nan === 0) {
    // no PTR at all is "not found"; an empty A or AAAA answer is an empty list
    return answer(qtype === TYPE_PTR ? { ok: false, code: NXDOMAIN } : { ok: true, names: [], addrs: [], cname: null, ttl: 0 });
  }

  i += 4;
  const addrs: string[] = [];
  let cname: string | null = null;
  let ttl = Infinity;
  for (let a = 0; a < nan; a++) {
    const after = skipOwner(m, i);
    if (after === 'short') return ignore('short DNS response');
    if (after === 'invalid') return ignore('invalid name in DNS response');
    i = after;
    if (i + 10 >= m.length) return ignore('short DNS response');
    const type = m.readUInt16BE(i);
    const cls = m.readUInt16BE(i + 2);
    const rrTtl = Math.max(0, m.readInt32BE(i + 4));
    const len = m.readUInt16BE(i + 8);
    if (cls !== 1) return ignore(`unexpected RR class ${cls} in DNS response`);
    i += 10;
    if (qtype === TYPE_PTR) {
      if (type === TYPE_PTR) {
        const name = copyName(m, i);
        // nginx uses the first PTR record
        if (typeof name !== 'string') return ignore(name.error);
        return answer({ ok: true, names: [name], addrs: [], cname: null, ttl: rrTtl });
      }
      // logged, and the record skipped
      if (type !== TYPE_CNAME) logs.push(`unexpected RR type ${type} in DNS response`);
    } else {
      ttl = Math.min(ttl, rrTtl);
      if (type === TYPE_A || type === TYPE_AAAA) {
        if (type !== qtype) return ignore(`unexpected ${type === TYPE_A ? 'A' : 'AAAA'} record in DNS response`);
        const size = type === TYPE_A ? 4 : 16;
        if (len !== size) return ignore(`invalid ${type === TYPE_A ? 'A' : 'AAAA'} record in DNS response`);
        if (i + size > m.length) return ignore('short DNS response');
        addrs.push(size === 4 ? [...m.subarray(i, i + 4)].join('.') : hex16(m.subarray(i, i + 16)));
      } else if (type === TYPE_CNAME) {
        const name = copyName(m, i);
        if (typeof name !== 'string') return ignore(name.error);
        cname = name;
      } else if (type !== TYPE_DNAME) {
        logs.push(`unexpected RR type ${type} in DNS response`);
      }
    }
    i += len;
  }
  if (qtype === TYPE_PTR) return ignore('no PTR type in DNS response');
  if (addrs.length) return answer({ ok: true, names: [], addrs, cname: null, ttl: ttl === Infinity ? 0 : ttl });
  if (cname) return answer({ ok: true, names: [], addrs: [], cname, ttl: ttl === Infinity ? 0 : ttl });
  return ignore('no A or CNAME types in DNS response');
}
