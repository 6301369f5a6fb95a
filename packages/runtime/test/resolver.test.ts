/**
 * SMTP client-host lookup through `resolver`, against a fake DNS server in the test: PTR,
 * then A/AAAA that must match; errors map to [TEMPUNAVAIL] / [UNAVAILABLE] as in nginx.
 */
import * as dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from './helpers/client.js';
import { freePorts } from './helpers/external.js';
import { startWorld } from './helpers/world.js';

type Mode = 'ok' | 'servfail' | 'nxdomain' | 'mismatch' | 'badname';

/** A DNS server answering every PTR with a name (per mode) and A with 127.0.0.1 or another address. */
async function fakeDns(mode: Mode): Promise<{ port: number; queries: string[]; close(): void }> {
  const s = dgram.createSocket('udp4');
  const queries: string[] = [];
  s.on('message', (m, peer) => {
    let off = 12;
    const labels: string[] = [];
    while (m[off]) {
      labels.push(m.toString('latin1', off + 1, off + 1 + m[off]!));
      off += 1 + m[off]!;
    }
    const type = m.readUInt16BE(off + 1);
    queries.push(`${labels.join('.')} ${type}`);
    const question = m.subarray(12, off + 5);
    const rcode = mode === 'servfail' ? 2 : mode === 'nxdomain' ? 3 : 0;
    const answers: Buffer[] = [];
    if (!rcode && type === 12) {
      const name = { ok: 'client.example.test', mismatch: 'other.example.test', badname: 'bad_host.example.test' }[mode as 'ok'];
      const rd = Buffer.concat([...name.split('.').map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p)])), Buffer.from([0])]);
      const rr = Buffer.alloc(12);
      rr.writeUInt16BE(0xc00c, 0);
      rr.writeUInt16BE(12, 2);
      rr.writeUInt16BE(1, 4);
      rr.writeUInt32BE(60, 6);
      rr.writeUInt16BE(rd.length, 10);
      answers.push(rr, rd);
    } else if (!rcode && type === 1) {
      const rr = Buffer.alloc(16);
      rr.writeUInt16BE(0xc00c, 0);
      rr.writeUInt16BE(1, 2);
      rr.writeUInt16BE(1, 4);
      rr.writeUInt32BE(60, 6);
      rr.writeUInt16BE(4, 10);
      Buffer.from(mode === 'ok' ? [127, 0, 0, 1] : [192, 0, 2, 99]).copy(rr, 12);
      answers.push(rr);
    }
    const head = Buffer.alloc(12);
    m.copy(head, 0, 0, 2);
    head.writeUInt16BE(0x8180 | rcode, 2);
    head.writeUInt16BE(1, 4);
    head.writeUInt16BE(answers.length ? 1 : 0, 6);
    s.send(Buffer.concat([head, question, ...answers]), peer.port, peer.address);
  });
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  return { port: s.address().port, queries, close: () => s.close() };
}

describe('resolver', () => {
  const modes: Mode[] = ['ok', 'servfail', 'nxdomain', 'mismatch', 'badname'];
  const dns: Awaited<ReturnType<typeof fakeDns>>[] = [];
  let unreachable = 0;
  let w: Awaited<ReturnType<typeof startWorld>>;

  beforeAll(async () => {
    for (const m of modes) dns.push(await fakeDns(m));
    [unreachable] = await freePorts(1);
    w = await startWorld([
      ...dns.map((d) => ({ protocol: 'smtp' as const, directives: `resolver 127.0.0.1:${d.port}; smtp_auth none` })),
      { protocol: 'smtp' as const, directives: `resolver 127.0.0.1:${unreachable}; resolver_timeout 500ms; smtp_auth none` },
    ]);
  });
  afterAll(async () => {
    await w.close();
    for (const d of dns) d.close();
  });

  const expected = { ok: 'client.example.test', servfail: '[TEMPUNAVAIL]', nxdomain: '[UNAVAILABLE]', mismatch: '[UNAVAILABLE]', badname: '[TEMPUNAVAIL]', unreachable: '[TEMPUNAVAIL]' };

  it.each([...modes.map((m, i) => [m, i] as const), ['unreachable', 5] as const])('%s', async (mode, i) => {
    const started = Date.now();
    const c = await TestClient.connect(w.ports[i]!);
    expect(await c.read()).toBe('220 mail.example.test ESMTP ready\r\n');
    if (mode === 'unreachable') expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    c.send('HELO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n');
    await c.read(/250 2\.1\.5 Ok\r\n/);
    c.close();
    expect(w.auth.requests.at(-1)!.lines).toContain(`Client-Host: ${expected[mode]}`);
  });

  it('asks PTR, then A and AAAA, and logs failures as nginx does', () => {
    expect(dns[0]!.queries).toEqual(['1.0.0.127.in-addr.arpa 12', 'client.example.test 1', 'client.example.test 28']);
    expect(dns[1]!.queries).toEqual(['1.0.0.127.in-addr.arpa 12']);
    const log = w.log().join('\n');
    expect(log).toContain('127.0.0.1 could not be resolved (2: Server failure) while in resolving client address');
    expect(log).toContain('127.0.0.1 could not be resolved (3: Host not found) while in resolving client address');
    expect(log).toContain('127.0.0.1 resolved to invalid host name "bad_host.example.test" while in resolving client address');
    expect(log).toContain('127.0.0.1 could not be resolved (110: Operation timed out) while in resolving client address');
    expect(log).toContain(`recv() failed (111: Connection refused) while resolving, resolver: 127.0.0.1:${unreachable}`);
  });
});
