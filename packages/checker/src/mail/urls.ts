/**
 * Addresses of the auth server and name servers, read as ngx_parse_url reads them for
 * `auth_http` (config-checks.md E2) and `resolver` (E1). Host names are assumed to resolve
 * (nginx resolves them at start; a checker without DNS cannot), unless they are not host
 * names at all.
 */
import type { AuthHttpUrl } from '../model.js';
import { isHostName, numericIPv4 } from '../net/host-name.js';
import { formatIPv6, parseIPv4, parseIPv6 } from '../net/ipv6.js';
import { atoi } from '../values.js';


export type UrlResult<T> = { ok: true; value: T } | { ok: false; error: string };

interface HostPort {
  host: string;
  port: number;
  /** Text after the host and port: `/uri`, `?args`, or `` */
  rest: string;
  family: 'ipv4' | 'ipv6' | 'name' | 'unix';
}

/** host[:port][/uri], [ipv6][:port][/uri] or unix:path[:uri] */
export function parseHostPort(text: string, defaultPort: number, allowUri: boolean): UrlResult<HostPort> {
  if (text.length >= 5 && text.slice(0, 5).toLowerCase() === 'unix:') {
    let path = text.slice(5);
    let rest = '';
    if (allowUri) {
      const c = path.indexOf(':');
      if (c !== -1) {
        rest = path.slice(c + 1);
        path = path.slice(0, c);
      }
    }
    if (!path) return { ok: false, error: 'no path in the unix domain socket' };
    if (new TextEncoder().encode(path).length >= 108) return { ok: false, error: 'too long path in the unix domain socket' };
    return { ok: true, value: { host: path, port: 0, rest, family: 'unix' } };
  }
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) return { ok: false, error: 'invalid host' };
    const inner = text.slice(1, close);
    let after = text.slice(close + 1);
    let port = defaultPort;
    if (after.startsWith(':')) {
      const end = after.search(/[/?]/);
      const portText = end === -1 ? after.slice(1) : after.slice(1, end);
      const n = atoi(portText);
      if (n === null || n < 1n || n > 65535n) return { ok: false, error: 'invalid port' };
      port = Number(n);
      after = end === -1 ? '' : after.slice(end);
    } else if (after && !/^[/?]/.test(after)) return { ok: false, error: 'invalid host' };
    if (after && !allowUri) return { ok: false, error: 'invalid host' };
    if (!inner) return { ok: false, error: 'no host' };
    const bytes = parseIPv6(inner);
    if (!bytes) return { ok: false, error: 'invalid IPv6 address' };
    return { ok: true, value: { host: formatIPv6(bytes), port, rest: after, family: 'ipv6' } };
  }
  const restAt = text.search(/[/?]/);
  const hostPort = restAt === -1 ? text : text.slice(0, restAt);
  const rest = restAt === -1 ? '' : text.slice(restAt);
  if (rest && !allowUri) return { ok: false, error: 'invalid host' };
  const colon = hostPort.indexOf(':');
  let host = hostPort;
  let port = defaultPort;
  if (colon !== -1) {
    const n = atoi(hostPort.slice(colon + 1));
    if (n === null || n < 1n || n > 65535n) return { ok: false, error: 'invalid port' };
    port = Number(n);
    host = hostPort.slice(0, colon);
  }
  if (!host) return { ok: false, error: 'no host' };
  if (parseIPv4(host)) return { ok: true, value: { host, port, rest, family: 'ipv4' } };
  const numeric = numericIPv4(host);
  if (numeric) return { ok: true, value: { host: numeric, port, rest, family: 'ipv4' } };
  if (!isHostName(host)) return { ok: false, error: 'host not found' };
  return { ok: true, value: { host, port, rest, family: 'name' } };
}

export function parseAuthHttp(raw: string): UrlResult<AuthHttpUrl> & { shown: string } {
  const shown = raw.startsWith('http://') ? raw.slice(7) : raw;
  const r = parseHostPort(shown, 80, true);
  if (!r.ok) return { ok: false, error: `${r.error} in auth_http "${shown}"`, shown };
  const v = r.value;
  const uri = v.rest || '/';
  return {
    ok: true,
    shown,
    value: {
      kind: v.family === 'unix' ? 'unix' : 'inet',
      host: v.host,
      port: v.port,
      uri,
      hostHeader: v.family === 'unix' ? 'localhost' : v.host,
      raw,
    },
  };
}

export function parseNameServer(raw: string): UrlResult<{ host: string; port: number; raw: string }> {
  const r = parseHostPort(raw, 53, false);
  if (!r.ok) return { ok: false, error: `${r.error} in resolver "${raw}"` };
  return { ok: true, value: { host: r.value.host, port: r.value.port, raw } };
}
