/**
 * The mail `listen` directive, read as nginx 1.22.1 and the newest source read it
 * (mail-directives.md §4, config-checks.md C1-C7): the address (port only, host:port,
 * [IPv6]:port, unix:path, port ranges, port-less), then parameters in any order. Returns
 * one entry per resolved address and port, or nginx's error message.
 */
import type { Word } from '@mailconf/syntax';
import { atLeast } from '../version.js';
import { atoi, size, timeSec } from '../values.js';
import { isHostName, numericIPv4 } from '../net/host-name.js';
import { formatIPv6, parseIPv4, parseIPv6 } from '../net/ipv6.js';
import type { ListenAddress, SoKeepalive } from '../model.js';

export interface ParsedListen {
  addresses: ListenAddress[];
  wildcard: boolean;
  ssl: boolean;
  proxyProtocol: boolean;
  bind: boolean;
  backlog: number | null;
  rcvbuf: number | null;
  sndbuf: number | null;
  ipv6only: boolean | null;
  soKeepalive: SoKeepalive | null;
  /** First port (for protocol inference); 0 for unix and port-less. */
  firstPort: number;
  /** Whether the host was a name that had to be resolved (we assume it resolves). */
  hostName: string | null;
}

export type ListenResult = { ok: true; value: ParsedListen } | { ok: false; message: string; arg: number };


const UNIX_PATH_MAX = 108;

const cache = new WeakMap<Word[], { version: string; result: ListenResult }>();

/**
 * Parses a listen's arguments. Several rules and the model read the same listen, so results
 * are kept per argument list (a parse is immutable).
 */
export function parseListen(args: Word[], version: string): ListenResult {
  const hit = cache.get(args);
  if (hit && hit.version === version) return hit.result;
  const result = parseListenUncached(args, version);
  cache.set(args, { version, result });
  return result;
}

function parseListenUncached(args: Word[], version: string): ListenResult {
  const first = cstr(args[0]!.value);
  const addr = parseAddress(first);
  if ('error' in addr) return { ok: false, message: `${addr.error} in "${first}" of the "listen" directive`, arg: 0 };
  const out: ParsedListen = {
    addresses: addr.addresses,
    wildcard: addr.wildcard,
    ssl: false,
    proxyProtocol: false,
    bind: false,
    backlog: null,
    rcvbuf: null,
    sndbuf: null,
    ipv6only: null,
    soKeepalive: null,
    firstPort: addr.addresses[0]?.port ?? 0,
    hostName: addr.hostName,
  };
  const tunables: KeepaliveTunables = { idle: null, interval: null, count: null };
  const newParamMessage = atLeast(version, '1.25.5');
  const invalidParam = (p: string) => (newParamMessage ? `invalid parameter "${p}"` : `the invalid "${p}" parameter`);
  for (let i = 1; i < args.length; i++) {
    const p = cstr(args[i]!.value);
    if (p === 'bind') out.bind = true;
    else if (p === 'ssl') out.ssl = true;
    else if (p === 'proxy_protocol') out.proxyProtocol = true;
    else if (p.startsWith('backlog=')) {
      const n = atoi(p.slice(8));
      const v = n === null ? -1 : int32(n);
      if (v === 0 || v === -1) return { ok: false, message: `invalid backlog "${p}"`, arg: i };
      out.backlog = v;
      out.bind = true;
    } else if (p.startsWith('rcvbuf=') || p.startsWith('sndbuf=')) {
      const which = p.slice(0, 6);
      const n = size(p.slice(7));
      const v = n === null ? -1 : int32(n);
      if (v === -1) return { ok: false, message: `invalid ${which} "${p}"`, arg: i };
      if (which === 'rcvbuf') out.rcvbuf = v;
      else out.sndbuf = v;
      out.bind = true;
    } else if (p.startsWith('ipv6only=o')) {
      const rest = p.slice(10);
      if (rest === 'n') out.ipv6only = true;
      else if (rest === 'ff') out.ipv6only = false;
      else return { ok: false, message: `invalid ipv6only flags "${p.slice(9)}"`, arg: i };
      out.bind = true;
    } else if (p.startsWith('so_keepalive=')) {
      const ka = parseSoKeepalive(p.slice(13), tunables);
      if (!ka) return { ok: false, message: `invalid so_keepalive value: "${p.slice(13)}"`, arg: i };
      out.soKeepalive = ka;
      out.bind = true;
    } else if (p === 'multipath' && atLeast(version, '1.29.7')) {
      out.bind = true;
    } else {
      return { ok: false, message: invalidParam(p), arg: i };
    }
  }
  return { ok: true, value: out };
}

/** nginx compares values as C strings: a NUL byte ends them. */
export function cstr(s: string): string {
  const i = s.indexOf('\0');
  return i === -1 ? s : s.slice(0, i);
}

export function int32(n: bigint): number {
  return Number(BigInt.asIntN(32, n));
}

/**
 * What the so_keepalive parameters of one listen have set so far. nginx keeps the three
 * tunables in the listen itself and checks "all zero" on what they hold after each parameter,
 * so `so_keepalive=30m::10 so_keepalive=::0` is valid (the idle time of the first remains),
 * and `on` after tunables keeps them.
 */
export interface KeepaliveTunables {
  idle: number | null;
  interval: number | null;
  count: number | null;
}

/**
 * A so_keepalive value (`on`, `off`, `[idle]:[interval]:[count]`) as mail, http and stream read
 * it; the tunables add up over the listen's so_keepalive parameters (`acc`). Null where nginx
 * says `invalid so_keepalive value`.
 */
export function parseSoKeepalive(v: string, acc: KeepaliveTunables): SoKeepalive | null {
  const tuned = (): SoKeepalive => (acc.idle === null && acc.interval === null && acc.count === null ? { mode: 'on' } : { mode: 'tune', ...acc });
  if (v === 'on') return tuned();
  if (v === 'off') return { mode: 'off' };
  let rest = v;
  const take = (): string => {
    const i = rest.indexOf(':');
    if (i === -1) {
      const s = rest;
      rest = '';
      return s;
    }
    const s = rest.slice(0, i);
    rest = rest.slice(i + 1);
    return s;
  };
  const hadColons = v.indexOf(':') !== -1;
  const idleText = take();
  const intvlText = hadColons ? take() : '';
  const cntText = rest;
  if (idleText) {
    const t = timeSec(idleText);
    if (t === null || int32(t) === -1) return null;
    acc.idle = int32(t);
  }
  if (intvlText) {
    const t = timeSec(intvlText);
    if (t === null || int32(t) === -1) return null;
    acc.interval = int32(t);
  }
  if (cntText) {
    const n = atoi(cntText);
    if (n === null || int32(n) === -1) return null;
    acc.count = int32(n);
  }
  if (!acc.idle && !acc.interval && !acc.count) return null;
  return tuned();
}

export type AddressResult = { addresses: ListenAddress[]; wildcard: boolean; hostName: string | null } | { error: string };

/**
 * The address of a listen as ngx_parse_url reads it (ports 0 where none is given: mail has no
 * default, http's is 80), or its error text.
 */
export function parseAddress(text: string): AddressResult {
  if (text.length >= 5 && text.slice(0, 5).toLowerCase() === 'unix:') {
    const path = text.slice(5);
    if (!path) return { error: 'no path in the unix domain socket' };
    if (new TextEncoder().encode(path).length >= UNIX_PATH_MAX) return { error: 'too long path in the unix domain socket' };
    return { addresses: [{ family: 'unix', host: path, port: 0, text: `unix:${path}` }], wildcard: false, hostName: null };
  }
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) return { error: 'invalid host' };
    const inner = text.slice(1, close);
    const after = text.slice(close + 1);
    let ports: number[] | { error: string } = [0];
    if (after.length) {
      if (after[0] !== ':') return { error: 'invalid host' };
      ports = parsePorts(after.slice(1));
      if ('error' in ports) return ports;
    }
    if (!inner) return { error: 'no host' };
    const bytes = parseIPv6(inner);
    if (!bytes) return { error: 'invalid IPv6 address' };
    const host = formatIPv6(bytes);
    const wildcard = bytes.every((b) => b === 0);
    return { addresses: ports.map((port) => ({ family: 'ipv6', host, port, text: `[${host}]:${port}` })), wildcard, hostName: null };
  }
  if (/[/?]/.test(text)) return { error: 'invalid host' };
  const colon = text.indexOf(':');
  let hostText: string;
  let ports: number[];
  if (colon !== -1) {
    const p = parsePorts(text.slice(colon + 1));
    if ('error' in p) return p;
    ports = p;
    hostText = text.slice(0, colon);
    if (!hostText) return { error: 'no host' };
  } else {
    const only = portOnly(text);
    if (only && 'error' in only) return only;
    if (only) return { addresses: only.map((port) => v4('0.0.0.0', port)), wildcard: true, hostName: null };
    hostText = text;
    ports = [0];
  }
  // `listen ""`: nothing before the port either
  if (!hostText) return { error: 'no host' };
  if (hostText === '*') return { addresses: ports.map((port) => v4('0.0.0.0', port)), wildcard: true, hostName: null };
  const quad = parseIPv4(hostText);
  if (quad) {
    const host = quad.join('.');
    return { addresses: ports.map((port) => v4(host, port)), wildcard: host === '0.0.0.0', hostName: null };
  }
  if (hostText.toLowerCase() === 'localhost') {
    // nginx keeps getaddrinfo's order (since 1.15.10), and glibc puts ::1 before 127.0.0.1
    // (RFC 6724 precedence): `listen localhost:143` twice is a duplicate "[::1]:143".
    // Each address takes every port of a range before the next address.
    const out: ListenAddress[] = [];
    for (const port of ports) out.push({ family: 'ipv6', host: '::1', port, text: `[::1]:${port}` });
    for (const port of ports) out.push(v4('127.0.0.1', port));
    return { addresses: out, wildcard: false, hostName: 'localhost' };
  }
  const numeric = numericIPv4(hostText);
  if (numeric) return { addresses: ports.map((port) => v4(numeric, port)), wildcard: numeric === '0.0.0.0', hostName: null };
  if (!isHostName(hostText)) return { error: 'host not found' };
  // A host name: nginx resolves it at start; we cannot, so it stands for its own address.
  const name = hostText.toLowerCase().replace(/\.$/, '');
  return { addresses: ports.map((port) => ({ family: 'ipv4', host: name, port, text: `${name}:${port}` })), wildcard: false, hostName: name };
}

function v4(host: string, port: number): ListenAddress {
  return { family: 'ipv4', host, port, text: `${host}:${port}` };
}

/**
 * A listen with neither host nor colon, read as nginx "tests the value as port only": `143`
 * or `143-145`. Null when nginx reads the text as a host name instead, which is whenever
 * either side of the dash is not a number (`143-`, `mail-1`); an out-of-range end is an
 * error only once the start is a number.
 */
function portOnly(text: string): number[] | { error: string } | null {
  const dash = text.indexOf('-');
  let last = 0;
  let pending: string | null = null;
  if (dash !== -1) {
    const n = atoi(text.slice(dash + 1));
    if (n === null) return null;
    if (n < 1n || n > 65535n) pending = 'invalid port';
    else last = Number(n);
  }
  const n = atoi(dash === -1 ? text : text.slice(0, dash));
  if (n === null) return null;
  if (pending) return { error: pending };
  if (n < 1n || n > 65535n) return { error: 'invalid port' };
  const first = Number(n);
  if (last && first > last) return { error: 'invalid port range' };
  return portRange(first, last || first);
}

function portRange(first: number, last: number): number[] {
  const out: number[] = [];
  for (let p = first; p <= last; p++) out.push(p);
  return out;
}

/** `143`, or a range `143-145` (one listen per port). */
function parsePorts(text: string): number[] | { error: string } {
  const dash = text.indexOf('-');
  let last = 0;
  let firstText = text;
  if (dash !== -1) {
    const n = atoi(text.slice(dash + 1));
    if (n === null || n < 1n || n > 65535n) return { error: 'invalid port' };
    last = Number(n);
    firstText = text.slice(0, dash);
  }
  const n = atoi(firstText);
  if (n === null || n < 1n || n > 65535n) return { error: 'invalid port' };
  const first = Number(n);
  if (!last) return [first];
  if (first > last) return { error: 'invalid port range' };
  return portRange(first, last);
}
