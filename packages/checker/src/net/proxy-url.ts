/**
 * A `proxy_pass` URL without variables, as ngx_http_proxy_pass reads it: `http://` or
 * `https://` (any case), then ngx_parse_url's host[:port][/uri], [IPv6][:port][/uri] or
 * unix:path[:uri], not resolved. The proxy-pass rule checks it; the upstreams rule files the
 * upstream it names.
 */
import { parseHostPort } from '../mail/urls.js';

export type ProxyUrl =
  | { ok: false; message: string }
  | {
      ok: true;
      /** As nginx files the upstream: a name, `[IPv6]`, or the unix path. */
      host: string;
      unix: boolean;
      /** The port written, or null (nginx's no_port). */
      port: number | null;
      /** The URI part, `` when none. */
      uri: string;
    };

export function readProxyUrl(url: string): ProxyUrl {
  const lower = url.slice(0, 8).toLowerCase();
  const add = lower.startsWith('http://') ? 7 : lower.startsWith('https://') ? 8 : 0;
  if (!add) return { ok: false, message: 'invalid URL prefix' };
  const rest = url.slice(add);
  const parsed = parseHostPort(rest, add === 7 ? 80 : 443, true);
  const at = rest.search(/[/?]/);
  if (!parsed.ok) {
    // With no_resolve, any text is a host until nginx looks it up after reading.
    if (parsed.error !== 'host not found') return { ok: false, message: `${parsed.error} in upstream "${rest}"` };
    const hostPort = at === -1 ? rest : rest.slice(0, at);
    const colon = hostPort.lastIndexOf(':');
    return { ok: true, host: colon === -1 ? hostPort : hostPort.slice(0, colon), unix: false, port: colon === -1 ? null : Number(hostPort.slice(colon + 1)), uri: at === -1 ? '' : rest.slice(at) };
  }
  const v = parsed.value;
  if (v.family === 'unix') return { ok: true, host: v.host, unix: true, port: null, uri: v.rest };
  const hostPort = at === -1 ? rest : rest.slice(0, at);
  const written = /^[^[]*:|\]:/.test(hostPort);
  return { ok: true, host: v.family === 'ipv6' ? `[${v.host}]` : v.host, unix: false, port: written ? v.port : null, uri: v.rest };
}
