/**
 * Reading a PROXY protocol header (v1 text, v2 binary) from what one peek at a new
 * connection returned, as nginx reads it (proxy-runtime.md §1.2): nginx peeks once and
 * does not wait for more, so a header split across segments is broken; only the header's
 * bytes are consumed. Also the address formatting nginx uses for v2 addresses.
 */
import { formatIPv6, ipv6Bytes } from '@mailconf/checker';
import type { ProxyProtocolInfo } from './auth-http.js';
import type { Behaviour } from './compat.js';

export type ProxyHeader =
  /** `info` null: a header without addresses (UNKNOWN, LOCAL, other families). */
  | { ok: true; consumed: number; info: ProxyProtocolInfo | null }
  /** `log` null: rejected without a log line at info or above. */
  | { ok: false; log: Buffer | null };

const SIGNATURE = Buffer.from('\r\n\r\n\0\r\nQUIT\n', 'latin1');

export function readProxyHeader(buf: Buffer, behaviour: Behaviour): ProxyHeader {
  const broken = (): ProxyHeader => {
    let shown = buf;
    if (!behaviour.brokenHeaderWhole) {
      const end = buf.findIndex((c) => c === 0x0d || c === 0x0a);
      if (end !== -1) shown = buf.subarray(0, end);
    }
    return { ok: false, log: Buffer.concat([Buffer.from('broken header: "'), shown, Buffer.from('"')]) };
  };

  if (buf.length >= 16 && buf.subarray(0, 12).equals(SIGNATURE)) return readV2(buf);
  if (buf.length < 8 || buf.toString('latin1', 0, 6) !== 'PROXY ') return broken();
  let p = 6;
  if (buf.length - p >= 7 && buf.toString('latin1', p, p + 7) === 'UNKNOWN') {
    p += 7;
    for (; p < buf.length - 1; p++) if (buf[p] === 0x0d && buf[p + 1] === 0x0a) return { ok: true, consumed: p + 2, info: null };
    return broken();
  }
  if (buf.length - p < 5 || buf.toString('latin1', p, p + 3) !== 'TCP' || (buf[p + 3] !== 0x34 && buf[p + 3] !== 0x36) || buf[p + 4] !== 0x20) return broken();
  p += 5;
  const addr = (): Buffer | null => {
    const start = p;
    for (;;) {
      if (p === buf.length) return null;
      const ch = buf[p++]!;
      if (ch === 0x20) return buf.subarray(start, p - 1);
      const hex = (ch >= 0x30 && ch <= 0x39) || (ch >= 0x61 && ch <= 0x66) || (ch >= 0x41 && ch <= 0x46);
      if (ch !== 0x3a && ch !== 0x2e && !hex) return null;
    }
  };
  const port = (sep: number): number | null => {
    const start = p;
    for (;;) {
      if (p === buf.length) return null;
      if (buf[p++] === sep) break;
    }
    const text = buf.subarray(start, p - 1);
    if (!text.length || !/^[0-9]+$/.test(text.toString('latin1'))) return null;
    const n = Number(text.toString('latin1'));
    return n <= 65535 ? n : null;
  };
  const src = addr();
  if (!src) return broken();
  const dst = addr();
  if (!dst) return broken();
  const srcPort = port(0x20);
  if (srcPort === null) return broken();
  const dstPort = port(0x0d);
  if (dstPort === null) return broken();
  if (p === buf.length || buf[p++] !== 0x0a) return broken();
  return { ok: true, consumed: p, info: { srcAddr: Buffer.from(src), srcPort, dstAddr: Buffer.from(dst), dstPort } };
}

function readV2(buf: Buffer): ProxyHeader {
  const version = buf[12]! >> 4;
  if (version !== 2) return { ok: false, log: Buffer.from(`unknown PROXY protocol version: ${version}`) };
  const len = buf.readUInt16BE(14);
  if (buf.length - 16 < len) return { ok: false, log: Buffer.from('header is too large') };
  const end = 16 + len;
  const command = buf[12]! & 0x0f;
  const transport = buf[13]! & 0x0f;
  const family = buf[13]! >> 4;
  // only PROXY over STREAM carries addresses nginx uses; the rest is skipped
  if (command !== 1 || transport !== 1 || (family !== 1 && family !== 2)) return { ok: true, consumed: end, info: null };
  const size = family === 1 ? 4 : 16;
  if (len < size * 2 + 4) return { ok: false, log: null };
  const a = 16;
  const text = (off: number) => (size === 4 ? [...buf.subarray(off, off + 4)].join('.') : formatIPv6(buf.subarray(off, off + 16)));
  return {
    ok: true,
    consumed: end,
    info: {
      srcAddr: Buffer.from(text(a)),
      dstAddr: Buffer.from(text(a + size)),
      srcPort: buf.readUInt16BE(a + size * 2),
      dstPort: buf.readUInt16BE(a + size * 2 + 2),
    },
  };
}

const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32C (Castagnoli), as the PROXY v2 CRC32C TLV carries it. */
export function crc32c(b: Buffer): number {
  let c = 0xffffffff;
  for (const x of b) c = CRC32C_TABLE[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export interface Endpoint {
  family: 'ipv4' | 'ipv6' | 'unix';
  address: string;
  port: number;
}

/**
 * The PROXY v2 header newer nginx sends to a backend (`proxy_protocol v2`): PROXY over
 * STREAM with both addresses (IPv4 when either side is IPv4 or both are IPv4-mapped),
 * LOCAL when a side has no address, and always the CRC32C TLV. (nginx also adds the
 * AUTHORITY, ALPN and SSL TLVs for TLS clients; those are not written here.)
 */
export function proxyProtocolV2(src: Endpoint, dst: Endpoint): Buffer {
  const head = Buffer.concat([SIGNATURE, Buffer.from([0, 0, 0, 0])]);
  let body = Buffer.alloc(0);
  if (src.family === 'unix' || dst.family === 'unix') {
    head[12] = 0x20;
    head[13] = 0x00;
  } else {
    const port = (n: number) => Buffer.from([n >> 8, n & 0xff]);
    const mapped = (e: Endpoint) => e.family === 'ipv6' && /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(e.address);
    const four = (e: Endpoint) => Buffer.from((e.family === 'ipv4' ? e.address : e.address.slice(7)).split('.').map(Number));
    const sixteen = (e: Endpoint) => Buffer.from(ipv6Bytes(e.family === 'ipv4' ? `::ffff:${e.address}` : e.address) ?? new Uint8Array(16));
    head[12] = 0x21;
    // the larger family of the two; both IPv4-mapped IPv6 counts as IPv4
    const v4 = (src.family === 'ipv4' && dst.family === 'ipv4') || (mapped(src) && mapped(dst));
    head[13] = v4 ? 0x11 : 0x21;
    body = v4
      ? Buffer.concat([four(src), four(dst), port(src.port), port(dst.port)])
      : Buffer.concat([sixteen(src), sixteen(dst), port(src.port), port(dst.port)]);
  }
  const crcTlv = Buffer.from([0x04, 0x00, 0x04, 0, 0, 0, 0]);
  const out = Buffer.concat([head, body, crcTlv]);
  out.writeUInt16BE(out.length - 16, 14);
  out.writeUInt32BE(crc32c(out), out.length - 4);
  return out;
}
