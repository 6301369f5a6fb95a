/**
 * An http or stream `listen` read as ngx_http_core_listen and ngx_stream_core_listen read it on
 * Linux: the address (ngx_parse_url, as mail's), then the parameters left to right, the first
 * one nginx refuses ending the statement; for stream, then the parameters a `udp` listen cannot
 * have. Returns nginx's message and the word it is about, or null when nginx accepts the listen.
 *
 * Linux builds: `setfib=` (FreeBSD) is an unknown parameter; `accept_filter=` is logged as not
 * supported and ignored, as `deferred`, `reuseport` and `fastopen=` are supported.
 */
import { atLeast } from '../version.js';
import { atoi, size } from '../values.js';
import { cstr, int32, parseAddress, parseSoKeepalive, type KeepaliveTunables } from '../mail/listen.js';
import type { ListenAddress } from '../model.js';

export interface BlockListenError {
  message: string;
  /** The argument the message is about (0: the address). */
  arg: number;
}

/** Parameters each reads as a word, by family and the version they came in. */
const HTTP_WORDS: [string, string][] = [
  ['default_server', '0'],
  ['default', '0'],
  ['bind', '0'],
  ['deferred', '0'],
  ['reuseport', '0'],
  ['ssl', '0'],
  ['http2', '0'],
  ['proxy_protocol', '0'],
  // needs ngx_http_v3_module, which builds may lack: accepted from 1.25.0 and left to nginx
  ['quic', '1.25.0'],
  ['multipath', '1.29.7'],
];
const STREAM_WORDS: [string, string][] = [
  ['udp', '0'],
  ['bind', '0'],
  ['reuseport', '0'],
  ['ssl', '0'],
  ['proxy_protocol', '0'],
  ['default_server', '1.25.5'],
  ['deferred', '1.25.5'],
  ['multipath', '1.29.7'],
];

/** What a stream `udp` listen may not have (ngx_stream_core_listen, after the parameters). */
const NOT_WITH_UDP = ['backlog', 'ssl', 'so_keepalive', 'proxy_protocol', 'fastopen'];

/** The words of a statement, as the checker reads them (a Directive). */
interface Words {
  argCount: number;
  argValue(i: number): string;
}

/** Whether `accept_filter=` is a parameter here (then, on Linux, logged as not supported and ignored): http's, stream's from 1.25.5. */
export function takesAcceptFilter(family: 'http' | 'stream', version: string): boolean {
  return family === 'http' || atLeast(version, '1.25.5');
}

export function readBlockListen(d: Words, family: 'http' | 'stream', version: string): BlockListenError | null {
  const args: string[] = [];
  for (let i = 0; i < d.argCount; i++) args.push(d.argValue(i));
  const address = cstr(args[0]!);
  const parsed = parseAddress(address);
  if ('error' in parsed) return { message: `${parsed.error} in "${address}" of the "listen" directive`, arg: 0 };
  const words = family === 'http' ? HTTP_WORDS : STREAM_WORDS;
  // stream's message for an unknown parameter changed with 1.25.5 (http's was always this one)
  const unknown = (p: string) => (family === 'http' || atLeast(version, '1.25.5') ? `invalid parameter "${p}"` : `the invalid "${p}" parameter`);
  const tunables: KeepaliveTunables = { idle: null, interval: null, count: null };
  const seen = new Set<string>();
  for (let i = 1; i < args.length; i++) {
    const p = cstr(args[i]!);
    const word = words.find(([w, since]) => w === p && (since === '0' || atLeast(version, since)));
    if (word) {
      seen.add(p);
      continue;
    }
    const eq = p.indexOf('=');
    const name = eq === -1 ? p : p.slice(0, eq);
    const value = p.slice(eq + 1);
    if (name === 'fastopen' && eq !== -1) {
      const n = atoi(value);
      if (n === null || int32(n) === -1) return { message: `invalid fastopen "${p}"`, arg: i };
    } else if (name === 'backlog' && eq !== -1) {
      const n = atoi(value);
      const v = n === null ? -1 : int32(n);
      if (v === -1 || v === 0) return { message: `invalid backlog "${p}"`, arg: i };
    } else if ((name === 'rcvbuf' || name === 'sndbuf') && eq !== -1) {
      const n = size(value);
      if (n === null || int32(n) === -1) return { message: `invalid ${name} "${p}"`, arg: i };
    } else if (p.startsWith('ipv6only=o')) {
      const rest = p.slice(10);
      if (rest !== 'n' && rest !== 'ff') return { message: `invalid ipv6only flags "${p.slice(9)}"`, arg: i };
    } else if (name === 'so_keepalive' && eq !== -1) {
      if (!parseSoKeepalive(value, tunables)) return { message: `invalid so_keepalive value: "${value}"`, arg: i };
    } else if (name === 'accept_filter' && eq !== -1 && takesAcceptFilter(family, version)) {
      // not on Linux: logged and ignored
    } else {
      return { message: unknown(p), arg: i };
    }
    seen.add(name);
  }
  if (family === 'stream' && seen.has('udp')) {
    const clash = NOT_WITH_UDP.find((n) => seen.has(n));
    if (clash) return { message: `"listen" directive "${clash}" parameter is incompatible with "udp"`, arg: args.findIndex((a, k) => k > 0 && cstr(a).split('=')[0] === clash) };
  }
  return null;
}

/** An http listen's address with its port: 80 when none is written (ngx_http_core_listen's default_port). */
export function withHttpPort(a: ListenAddress): ListenAddress {
  if (a.family === 'unix' || a.port) return a;
  return { ...a, port: 80, text: a.family === 'ipv6' ? `[${a.host}]:80` : `${a.host}:80` };
}
