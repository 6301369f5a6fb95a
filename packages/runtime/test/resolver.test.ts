/**
 * SMTP client-host lookup through `resolver`, against fake DNS servers in the test: PTR,
 * then A/AAAA that must match; errors map to [TEMPUNAVAIL] / [UNAVAILABLE] as in nginx.
 * DNS that lies or breaks: answers that do not match, SERVFAIL and NXDOMAIN at either step,
 * silence, garbage, wrong ids, FORMERR, a PTR answer without PTR records, CNAME chains.
 * For each, what the auth server (Client-Host) and the backend (XCLIENT NAME=) are told.
 */
import * as dgram from 'node:dgram';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDnsResponse, TYPE_A, TYPE_PTR } from '../src/dns-response.js';
import { TestClient } from './helpers/client.js';
import { freePorts } from './helpers/external.js';
import { expectReleased, resources } from './helpers/leaks.js';
import { startWorld } from './helpers/world.js';

type Mode =
  | 'ok'
  | 'servfail'
  | 'nxdomain'
  | 'mismatch'
  | 'badname'
  | 'a-servfail'
  | 'a-nxdomain'
  | 'cname'
  | 'silent'
  | 'garbage'
  | 'wrong-id'
  | 'formerr'
  | 'ptr-without-ptr'
  | 'junk-then-ok';

const labels = (name: string) => Buffer.concat([...name.split('.').map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p)])), Buffer.from([0])]);

/** One resource record owned by the question's name (a compression pointer to offset 12). */
function rr(type: number, rdata: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt16BE(1, 4);
  head.writeUInt32BE(60, 6);
  head.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([head, rdata]);
}

function reply(query: Buffer, questionEnd: number, rcode: number, answers: Buffer[], id = query.readUInt16BE(0)): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(id, 0);
  head.writeUInt16BE(0x8180 | rcode, 2);
  head.writeUInt16BE(1, 4);
  head.writeUInt16BE(answers.length, 6);
  return Buffer.concat([head, query.subarray(12, questionEnd), ...answers]);
}

/** A DNS server answering PTR, A and AAAA queries the way `mode` says. */
async function fakeDns(mode: Mode): Promise<{ port: number; queries: string[]; close(): void }> {
  const s = dgram.createSocket('udp4');
  const queries: string[] = [];
  s.on('message', (m, peer) => {
    let off = 12;
    const parts: string[] = [];
    while (m[off]) {
      parts.push(m.toString('latin1', off + 1, off + 1 + m[off]!));
      off += 1 + m[off]!;
    }
    const name = parts.join('.');
    const type = m.readUInt16BE(off + 1);
    const end = off + 5;
    queries.push(`${name} ${type}`);
    const send = (b: Buffer) => s.send(b, peer.port, peer.address);
    const ptr = (host: string) => reply(m, end, 0, [rr(12, labels(host))]);
    const a = (addr: number[]) => reply(m, end, 0, [rr(1, Buffer.from(addr))]);
    const none = () => reply(m, end, 0, []);
    switch (mode) {
      case 'silent':
        return;
      case 'garbage':
        return send(Buffer.from('garbage'));
      case 'wrong-id':
        return send(reply(m, end, 0, type === 12 ? [rr(12, labels('client.example.test'))] : [], (m.readUInt16BE(0) + 1) & 0xffff));
      case 'formerr':
        return send(reply(m, end, 1, []));
      case 'ptr-without-ptr':
        return send(type === 12 ? reply(m, end, 0, [rr(1, Buffer.from([127, 0, 0, 1]))]) : none());
      case 'servfail':
        return send(reply(m, end, 2, []));
      case 'nxdomain':
        return send(reply(m, end, 3, []));
      case 'junk-then-ok': {
        // short, not a response (the query echoed), another id: all ignored; then the answer
        send(Buffer.from([1, 2, 3]));
        send(m);
        send(reply(m, end, 0, [], (m.readUInt16BE(0) + 7) & 0xffff));
        setTimeout(() => send(type === 12 ? ptr('client.example.test') : type === 1 ? a([127, 0, 0, 1]) : none()), 50);
        return;
      }
    }
    if (type === 12) {
      const host = { ok: 'client.example.test', mismatch: 'other.example.test', badname: 'bad_host.example.test' }[mode as 'ok'] ?? 'client.example.test';
      return send(ptr(host));
    }
    if (type === 28) return send(mode === 'a-servfail' ? reply(m, end, 2, []) : mode === 'a-nxdomain' ? reply(m, end, 3, []) : none());
    if (mode === 'a-servfail') return send(reply(m, end, 2, []));
    if (mode === 'a-nxdomain') return send(reply(m, end, 3, []));
    if (mode === 'cname' && name === 'client.example.test') return send(reply(m, end, 0, [rr(5, labels('alias.example.test'))]));
    return send(a(mode === 'mismatch' ? [192, 0, 2, 99] : [127, 0, 0, 1]));
  });
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  return { port: s.address().port, queries, close: () => s.close() };
}

/** What each mode gives: the host for Client-Host and XCLIENT NAME=, and a log line it causes. */
const CASES: Record<Mode | 'unreachable', { host: string; log: string | null }> = {
  ok: { host: 'client.example.test', log: null },
  servfail: { host: '[TEMPUNAVAIL]', log: '127.0.0.1 could not be resolved (2: Server failure) while in resolving client address' },
  nxdomain: { host: '[UNAVAILABLE]', log: '127.0.0.1 could not be resolved (3: Host not found) while in resolving client address' },
  mismatch: { host: '[UNAVAILABLE]', log: null },
  badname: { host: '[TEMPUNAVAIL]', log: '127.0.0.1 resolved to invalid host name "bad_host.example.test" while in resolving client address' },
  'a-servfail': { host: '[TEMPUNAVAIL]', log: '"client.example.test" could not be resolved (2: Server failure) while in resolving client hostname' },
  'a-nxdomain': { host: '[UNAVAILABLE]', log: '"client.example.test" could not be resolved (3: Host not found) while in resolving client hostname' },
  cname: { host: 'client.example.test', log: null },
  silent: { host: '[TEMPUNAVAIL]', log: '127.0.0.1 could not be resolved (110: Operation timed out) while in resolving client address' },
  garbage: { host: '[TEMPUNAVAIL]', log: 'short DNS response' },
  'wrong-id': { host: '[TEMPUNAVAIL]', log: 'wrong ident' },
  formerr: { host: '[TEMPUNAVAIL]', log: 'DNS error (1: Format error), query id:' },
  'ptr-without-ptr': { host: '[TEMPUNAVAIL]', log: 'no PTR type in DNS response' },
  'junk-then-ok': { host: 'client.example.test', log: 'invalid UDP DNS response' },
  unreachable: { host: '[TEMPUNAVAIL]', log: 'recv() failed (111: Connection refused) while resolving, resolver: 127.0.0.1:' },
};

describe('resolver', () => {
  const modes = Object.keys(CASES).filter((m) => m !== 'unreachable') as Mode[];
  const dns: Awaited<ReturnType<typeof fakeDns>>[] = [];
  let unreachable = 0;
  let w: Awaited<ReturnType<typeof startWorld>>;

  beforeAll(async () => {
    for (const m of modes) dns.push(await fakeDns(m));
    [unreachable] = await freePorts(1);
    w = await startWorld([
      ...dns.map((d) => ({ protocol: 'smtp' as const, directives: `resolver 127.0.0.1:${d.port}; resolver_timeout 500ms; smtp_auth none` })),
      { protocol: 'smtp' as const, directives: `resolver 127.0.0.1:${unreachable}; resolver_timeout 500ms; smtp_auth none` },
    ]);
  });
  afterAll(async () => {
    await w.close();
    for (const d of dns) d.close();
  });

  it.each([...modes.map((m, i) => [m, i] as const), ['unreachable', modes.length] as const])('%s', async (mode, i) => {
    const before = resources();
    const started = Date.now();
    const c = await TestClient.connect(w.ports[i]!);
    expect(await c.read(/\r\n/, 4000)).toBe('220 mail.example.test ESMTP ready\r\n');
    const waited = Date.now() - started;
    if (['silent', 'garbage', 'wrong-id', 'formerr', 'ptr-without-ptr', 'unreachable'].includes(mode)) expect(waited).toBeGreaterThanOrEqual(450);
    else expect(waited).toBeLessThan(450);
    c.send('HELO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n');
    await c.read(/250 2\.1\.5 Ok\r\n/);
    c.close();
    const { host, log } = CASES[mode];
    expect(w.auth.requests.at(-1)!.lines).toContain(`Client-Host: ${host}`);
    expect(w.smtp.received.at(-1)!.toString('latin1').split('\r\n')).toContain(`XCLIENT ADDR=127.0.0.1 NAME=${host}`);
    if (log) expect(w.log().some((l) => l.includes(log))).toBe(true);
    await expectReleased(w.proxy, before);
  });

  it('asks PTR, then A and AAAA (following a CNAME), and stops at a PTR error', () => {
    const q = (m: Mode) => dns[modes.indexOf(m)]!.queries;
    expect(q('ok')).toEqual(['1.0.0.127.in-addr.arpa 12', 'client.example.test 1', 'client.example.test 28']);
    expect(q('servfail')).toEqual(['1.0.0.127.in-addr.arpa 12']);
    expect(q('cname')).toEqual(expect.arrayContaining(['client.example.test 1', 'alias.example.test 1']));
  });

  it('logs ignored responses as nginx does, without a session', () => {
    const log = w.log().join('\n');
    expect(log).toMatch(/^\[error\] short DNS response$/m);
    expect(log).toMatch(/^\[error\] invalid UDP DNS response \d+ fl:0100$/m);
    expect(log).toMatch(/^\[error\] wrong ident \d+ in DNS response for 1\.0\.0\.127\.in-addr\.arpa, expect \d+$/m);
    expect(log).toMatch(/^\[error\] DNS error \(1: Format error\), query id:\d+, name:"1\.0\.0\.127\.in-addr\.arpa"$/m);
    expect(log).toMatch(/^\[error\] unexpected RR type 1 in DNS response$/m);
  });
});

describe('reading DNS responses', () => {
  const q = { id: 0x1234, name: '1.0.0.127.in-addr.arpa', type: TYPE_PTR };
  const question = Buffer.concat([labels(q.name), Buffer.from([0, 12, 0, 1])]);
  const head = (flags: number, an: number, id = q.id) => {
    const h = Buffer.alloc(12);
    h.writeUInt16BE(id, 0);
    h.writeUInt16BE(flags, 2);
    h.writeUInt16BE(1, 4);
    h.writeUInt16BE(an, 6);
    return h;
  };

  it('takes the first PTR record, lower-cased', () => {
    const v = readDnsResponse(Buffer.concat([head(0x8180, 1), question, rr(12, labels('Client.Example.TEST'))]), q);
    expect(v).toEqual({ kind: 'answer', answer: { ok: true, names: ['client.example.test'], addrs: [], cname: null, ttl: 60 }, logs: [] });
  });

  it('treats an empty PTR answer as "not found" and an empty A answer as no address', () => {
    expect(readDnsResponse(Buffer.concat([head(0x8180, 0), question]), q)).toMatchObject({ kind: 'answer', answer: { ok: false, code: 3 } });
    const aq = { id: 1, name: 'x.test', type: TYPE_A };
    const v = readDnsResponse(Buffer.concat([head(0x8180, 0, 1), labels('x.test'), Buffer.from([0, 1, 0, 1])]), aq);
    expect(v).toMatchObject({ kind: 'answer', answer: { ok: true, addrs: [] } });
  });

  it('ignores what does not answer the question', () => {
    const other = Buffer.concat([labels('2.0.0.127.in-addr.arpa'), Buffer.from([0, 12, 0, 1])]);
    expect(readDnsResponse(Buffer.concat([head(0x8180, 0), other]), q)).toEqual({ kind: 'ignore', logs: ['unexpected DNS response for 2.0.0.127.in-addr.arpa'] });
    expect(readDnsResponse(Buffer.concat([head(0x8180, 0), question.subarray(0, 5)]), q)).toEqual({ kind: 'ignore', logs: ['short DNS response'] });
    expect(readDnsResponse(Buffer.concat([head(0x8187, 0), question]), q)).toEqual({ kind: 'ignore', logs: ['DNS error (7: Unknown error), query id:4660'] });
  });

  it('never throws on junk', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (junk, withHeader) => {
        const b = withHeader ? Buffer.concat([head(0x8180, junk[0] ?? 1), question, Buffer.from(junk)]) : Buffer.from(junk);
        const v = readDnsResponse(b, q);
        expect(['answer', 'ignore']).toContain(v.kind);
      }),
      { numRuns: 500 },
    );
  });
});
