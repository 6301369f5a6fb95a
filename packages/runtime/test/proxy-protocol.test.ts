/**
 * PROXY protocol: reading v1/v2 headers as nginx does (one peek, broken-header logs per
 * version), nginx's IPv6 text, the v2 header written to backends, and realip end to end.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { behaviourFor } from '../src/compat.js';
import { crc32c, proxyProtocolV2, readProxyHeader } from '../src/proxy-protocol.js';
import { TestClient } from './helpers/client.js';
import { startWorld } from './helpers/world.js';

const B = (s: string) => Buffer.from(s, 'latin1');
const v122 = behaviourFor('1.22.1');
const vNew = behaviourFor('1.31.5');

function v2(cmd: number, fam: number, body: Buffer): Buffer {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(body.length);
  return Buffer.concat([B('\r\n\r\n\0\r\nQUIT\n'), Buffer.from([cmd, fam]), len, body]);
}

describe('reading PROXY headers', () => {
  it('v1 TCP4/TCP6: addresses as sent, only the header consumed', () => {
    const r = readProxyHeader(B('PROXY TCP6 ::1 ::2 1 2\r\na1 NOOP\r\n'), v122);
    expect(r).toMatchObject({ ok: true, consumed: 24 });
    if (r.ok) expect([r.info!.srcAddr.toString(), r.info!.srcPort, r.info!.dstAddr.toString(), r.info!.dstPort]).toEqual(['::1', 1, '::2', 2]);
  });

  it('v1 UNKNOWN is skipped up to CRLF, without addresses', () => {
    expect(readProxyHeader(B('PROXY UNKNOWN whatever\r\nx'), v122)).toEqual({ ok: true, consumed: 24, info: null });
  });

  it('logs a broken header whole (1.22.1) or up to the line end (newer)', () => {
    const bad = B('PROXY TCP4 192.0.2.1 192.0.2.2 12345\r\n');
    expect(readProxyHeader(bad, v122)).toEqual({ ok: false, log: B('broken header: "PROXY TCP4 192.0.2.1 192.0.2.2 12345\r\n"') });
    expect(readProxyHeader(bad, vNew)).toEqual({ ok: false, log: B('broken header: "PROXY TCP4 192.0.2.1 192.0.2.2 12345"') });
    expect(readProxyHeader(B(''), v122)).toEqual({ ok: false, log: B('broken header: ""') });
    expect(readProxyHeader(B('PROXY TCP4 1.2.3.4 5.6.7.8 70000 1\r\n'), v122).ok).toBe(false);
  });

  it('v2: TCP4 addresses, LOCAL skipped, bad version, too large for the peek', () => {
    const addrs = Buffer.from([198, 51, 100, 7, 198, 51, 100, 8, 0x9c, 0x40, 0x03, 0xe1]);
    const r = readProxyHeader(v2(0x21, 0x11, addrs), v122);
    expect(r.ok && [r.info!.srcAddr.toString(), r.info!.srcPort, r.info!.dstAddr.toString(), r.info!.dstPort]).toEqual(['198.51.100.7', 40000, '198.51.100.8', 993]);
    expect(readProxyHeader(v2(0x20, 0x00, Buffer.alloc(0)), v122)).toEqual({ ok: true, consumed: 16, info: null });
    expect(readProxyHeader(v2(0x31, 0x11, addrs), v122)).toEqual({ ok: false, log: B('unknown PROXY protocol version: 3') });
    // what a 107-byte peek sees of a 181-byte header
    const big = v2(0x21, 0x11, Buffer.concat([addrs, Buffer.alloc(153)]));
    expect(readProxyHeader(big.subarray(0, 107), v122)).toEqual({ ok: false, log: B('header is too large') });
  });

  it('never throws on junk', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => void readProxyHeader(Buffer.from(b), v122)));
  });
});

describe('addresses', () => {
  it('computes CRC-32C', () => {
    expect(crc32c(B('123456789'))).toBe(0xe3069283);
  });

  it('writes a v2 header that reads back, with a valid CRC32C TLV', () => {
    const h = proxyProtocolV2({ family: 'ipv4', address: '192.0.2.1', port: 12345 }, { family: 'ipv4', address: '127.0.0.1', port: 143 });
    const r = readProxyHeader(h, vNew);
    expect(r.ok && [r.info!.srcAddr.toString(), r.info!.srcPort, r.info!.dstAddr.toString(), r.info!.dstPort]).toEqual(['192.0.2.1', 12345, '127.0.0.1', 143]);
    const crc = h.readUInt32BE(h.length - 4);
    const zeroed = Buffer.from(h);
    zeroed.writeUInt32BE(0, h.length - 4);
    expect(crc32c(zeroed)).toBe(crc);
    const six = proxyProtocolV2({ family: 'ipv4', address: '192.0.2.1', port: 1 }, { family: 'ipv6', address: '::1', port: 2 });
    expect(six[13]).toBe(0x21);
  });
});

describe('listen ... proxy_protocol', () => {
  it('takes the client from the header with set_real_ip_from, and reports it to the auth server', async () => {
    const w = await startWorld([
      { protocol: 'imap', proxyProtocol: true, directives: 'set_real_ip_from 127.0.0.1' },
      { protocol: 'imap', proxyProtocol: true },
    ]);
    try {
      for (const [i, clientIp] of [
        [0, '192.0.2.1'],
        [1, '127.0.0.1'],
      ] as const) {
        const c = await TestClient.connect(w.ports[i]!);
        c.send('PROXY TCP4 192.0.2.1 192.0.2.2 12345 143\r\na1 LOGIN test secret\r\n');
        expect(await c.read()).toBe('* OK IMAP4 ready\r\n');
        // the pipelined command waits in the socket until more arrives, as in nginx
        c.send('a2 NOOP\r\n');
        expect(await c.read()).toBe('a1 OK Logged in\r\n');
        c.close();
        const req = w.auth.requests.at(-1)!;
        expect(req.lines).toContain(`Client-IP: ${clientIp}`);
        expect(req.lines).toEqual(expect.arrayContaining(['Proxy-Protocol-Addr: 192.0.2.1', 'Proxy-Protocol-Port: 12345', 'Proxy-Protocol-Server-Addr: 192.0.2.2', 'Proxy-Protocol-Server-Port: 143']));
      }
      expect(w.log().some((l) => l.includes('client logged in, client: 192.0.2.1,'))).toBe(true);
    } finally {
      await w.close();
    }
  });

  it('closes a connection with a broken header, logging it', async () => {
    const w = await startWorld([{ protocol: 'pop3', proxyProtocol: true }]);
    try {
      const c = await TestClient.connect(w.ports[0]!);
      c.send('USER x\r\n');
      expect(await c.drain(200, 2000)).toBe('');
      expect(await c.waitClosed()).toBe(true);
      // 1.22.1 logs everything it peeked, line end included
      expect(w.log().join('\n')).toMatch(/\[error\] \*1 broken header: "USER x\r\n" while reading PROXY protocol, client: 127\.0\.0\.1, server: 127\.0\.0\.1:0$/m);
    } finally {
      await w.close();
    }
  });
});
