/**
 * The SMTP client-host lookup (proxy-runtime.md §1.6) with nginx's own small resolver
 * semantics: a PTR query for the client address, the name's characters checked, then A and
 * AAAA queries that must give the client address back. UDP to the configured name servers
 * (the next one after 5 s without an answer), `resolver_timeout` per lookup, answers cached
 * for their TTL (or `valid=`). Errors are reported with nginx's codes and texts; responses
 * that are not a usable answer (malformed, another question, wrong id, FORMERR) are logged
 * and ignored as nginx does (dns-response.ts), and CNAME-only answers are followed.
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { randomInt } from 'node:crypto';
import { ipv6Bytes, type ResolverValue } from '@mailconf/checker';
import { errnoText, errorCode } from './errno.js';
import { dnsStrerror, readDnsResponse, TYPE_A, TYPE_AAAA, TYPE_PTR, type DnsAnswer as Answer } from './dns-response.js';
import type { ErrorLog } from './error-log.js';
import { TEMPUNAVAIL, UNAVAILABLE, type ClientHostResolver } from './protocols/smtp.js';
import type { Session } from './session.js';

const NXDOMAIN = 3;
const TIMEDOUT = 110;
const RESEND_MS = 5000;
/** nginx's NGX_RESOLVER_MAX_RECURSION: CNAMEs followed before giving up. */
const MAX_RECURSION = 50;

function encodeName(name: string): Buffer {
  const parts = name.replace(/\.$/, '').split('.');
  return Buffer.concat([...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p, 'latin1')])), Buffer.from([0])]);
}

function query(id: number, name: string, type: number): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(id, 0);
  head.writeUInt16BE(0x0100, 2); // recursion desired
  head.writeUInt16BE(1, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(type, 0);
  tail.writeUInt16BE(1, 2);
  return Buffer.concat([head, encodeName(name), tail]);
}

function reverseName(ip: string): string {
  if (net.isIPv4(ip)) return ip.split('.').reverse().join('.') + '.in-addr.arpa';
  const hex = Buffer.from(ipv6Bytes(ip) ?? new Uint8Array(16)).toString('hex');
  return [...hex].reverse().join('.') + '.ip6.arpa';
}

/** A name nginx accepts from a PTR answer (RFC 1034 characters; Debian's 1.22.1 checks too). */
const validHost = (name: string) => name.length > 0 && /^[A-Za-z0-9.-]+$/.test(name);

export class Resolver {
  private readonly cache = new Map<string, { answer: Answer; until: number }>();
  private next = 0;

  constructor(
    private readonly value: ResolverValue,
    private readonly timeoutMs: number,
    private readonly mainLog: ErrorLog,
  ) {}

  /** One lookup of `name`/`type`, over the name servers in turn, bounded by `resolver_timeout`. */
  lookup(name: string, type: number): Promise<Answer> {
    const key = `${type} ${name.toLowerCase()}`;
    const cached = this.cache.get(key);
    if (cached && cached.until > Date.now()) return Promise.resolve(cached.answer);
    const servers = this.value.servers;
    if (!servers.length) return Promise.resolve({ ok: false, code: TIMEDOUT });
    return new Promise((resolve) => {
      const id = randomInt(0, 65536);
      const packet = query(id, name, type);
      const sockets: dgram.Socket[] = [];
      let done = false;
      const finish = (a: Answer) => {
        if (done) return;
        done = true;
        clearTimeout(overall);
        clearInterval(resend);
        for (const s of sockets) s.close();
        const ttl = a.ok ? (this.value.valid ?? a.ttl * 1000) : (this.value.valid ?? 10_000);
        if (a.ok || a.code !== TIMEDOUT) this.cache.set(key, { answer: a, until: Date.now() + ttl });
        resolve(a);
      };
      const send = () => {
        const server = servers[this.next++ % servers.length]!;
        const sock = dgram.createSocket(net.isIPv6(server.host) ? 'udp6' : 'udp4');
        sockets.push(sock);
        sock.on('error', (err) => {
          // nginx logs socket errors of its resolver without a session
          this.mainLog.write('error', 'recv() failed', { errno: errnoText(errorCode(err)), context: ` while resolving, resolver: ${net.isIPv6(server.host) ? `[${server.host}]` : server.host}:${server.port}` });
        });
        sock.on('message', (m) => {
          // a response that is not the answer is logged and ignored, as nginx does: the
          // lookup goes on until a good one comes or resolver_timeout
          const v = readDnsResponse(m, { id, name, type });
          for (const line of v.logs) this.mainLog.write('error', line);
          if (v.kind === 'answer') finish(v.answer);
        });
        sock.connect(server.port, server.host, () => sock.send(packet));
      };
      const overall = setTimeout(() => finish({ ok: false, code: TIMEDOUT }), this.timeoutMs);
      const resend = setInterval(send, RESEND_MS);
      send();
    });
  }

  /** A/AAAA lookup that follows a CNAME-only answer to its target, as nginx does. */
  private async lookupFollowing(name: string, type: number): Promise<Answer> {
    let a = await this.lookup(name, type);
    for (let depth = 0; a.ok && !a.addrs.length && a.cname; depth++) {
      if (depth >= MAX_RECURSION) return { ok: false, code: NXDOMAIN };
      a = await this.lookup(a.cname, type);
    }
    return a;
  }

  /** The ClientHostResolver the SMTP greeting step calls. */
  readonly clientHost: ClientHostResolver = (s: Session, done: (host: Buffer) => void) => {
    void this.resolveClient(s).then(done);
  };

  private async resolveClient(s: Session): Promise<Buffer> {
    const ip = s.clientAddr;
    const ptr = await this.lookup(reverseName(ip), TYPE_PTR);
    if (s.closed) return UNAVAILABLE;
    if (!ptr.ok || !ptr.names.length) {
      const code = ptr.ok ? NXDOMAIN : ptr.code;
      s.error(`${ip} could not be resolved (${code}: ${dnsStrerror(code)})`);
      return code === NXDOMAIN ? UNAVAILABLE : TEMPUNAVAIL;
    }
    const name = ptr.names[0]!;
    if (!validHost(name)) {
      s.error(Buffer.concat([Buffer.from(`${ip} resolved to invalid host name "`), Buffer.from(name, 'latin1'), Buffer.from('"')]));
      return TEMPUNAVAIL;
    }
    s.action = 'in resolving client hostname';
    const types = [...(this.value.ipv4 ? [TYPE_A] : []), ...(this.value.ipv6 ? [TYPE_AAAA] : [])];
    const answers = await Promise.all(types.map((t) => this.lookupFollowing(name, t)));
    if (s.closed) return UNAVAILABLE;
    const addrs = answers.flatMap((a) => (a.ok ? a.addrs : []));
    if (!addrs.length) {
      const failed = answers.find((a) => !a.ok) as { ok: false; code: number } | undefined;
      const code = failed?.code ?? NXDOMAIN;
      s.error(`"${name}" could not be resolved (${code}: ${dnsStrerror(code)})`);
      return code === NXDOMAIN ? UNAVAILABLE : TEMPUNAVAIL;
    }
    // IPv6 compared in binary: the client's text and the answer's may be written differently.
    const key = (a: string) => {
      const b = ipv6Bytes(a);
      return b ? Buffer.from(b).toString('hex') : a;
    };
    const client = key(ip);
    const found = addrs.some((a) => key(a) === client);
    return found ? Buffer.from(name, 'latin1') : UNAVAILABLE;
  }
}
