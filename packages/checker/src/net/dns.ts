/**
 * Host names nginx resolves while it reads the configuration (ngx_parse_url without
 * no_resolve, ngx_inet_resolve_host): whether the caller's resolver (CheckOptions.resolveHost,
 * `mailconf lint --check-dns`) says one does not resolve, and the addresses a listen's name
 * stands for. Without a resolver nothing is known and nothing is reported: a CI runner or a
 * laptop rarely sees the production DNS.
 */
import type { CheckOptions, RuleContext } from '../rule.js';
import type { ListenAddress } from '../model.js';
import { formatIPv6, parseIPv4, parseIPv6 } from './ipv6.js';

/** Said after nginx's message: the name did not resolve here, where the check ran. */
export const DNS_HINT = 'the name does not resolve on this machine';

export function hostNotFound(ctx: RuleContext, host: string): boolean {
  return ctx.options.resolveHost?.(host) === false;
}

/** The host of a listen's `name[:port]` as written: nginx resolves it so (`localhost.` is not `localhost`). */
export function writtenHost(address: string): string {
  const colon = address.lastIndexOf(':');
  return colon === -1 ? address : address.slice(0, colon);
}

/** Whether a host as the URL readers return it is a name (not an IPv4 or IPv6 address, nor a unix socket's path). */
export function isName(host: string): boolean {
  return host !== '' && !host.includes(':') && !host.includes('/') && !host.startsWith('[') && parseIPv4(host) === null;
}

/** What resolving a name on this machine gave: its addresses in getaddrinfo's order, or false. */
export type HostAnswer = false | readonly string[];

/**
 * Resolves a name as nginx resolves it while reading the configuration (ngx_inet_resolve_host:
 * getaddrinfo with AI_ADDRCONFIG, every IPv4 and IPv6 answer, in the order given, repeats
 * kept): what callers give resolveHost. Node's dns.lookup is getaddrinfo, so /etc/hosts, then
 * DNS, as the system is set up. nginx says "host not found" on any failure, so any failure is false.
 */
export async function lookUpHost(host: string): Promise<HostAnswer> {
  try {
    // Loaded when a name is looked up: most checks never do (`--check-dns` only).
    const dns = await import('node:dns');
    const found = await dns.promises.lookup(host, { all: true, order: 'verbatim', hints: dns.ADDRCONFIG });
    return found.length ? found.map((a) => a.address) : false;
  } catch {
    return false;
  }
}

/** The addresses a name resolves to, when the caller resolved it and said them; null otherwise. */
export function hostAddresses(resolveHost: CheckOptions['resolveHost'], host: string): readonly string[] | null {
  const answer = resolveHost?.(host);
  return Array.isArray(answer) ? (answer as readonly string[]) : null;
}

/**
 * A listen's addresses once its host name is resolved (mail, http and stream read them alike):
 * each address the name gave, in getaddrinfo's order, with every port of the listen before the
 * next address, written as nginx writes them (ngx_sock_ntop). The parsed addresses as they are
 * when the listen has no name or the name's addresses are not known.
 */
export function resolvedListen(resolveHost: CheckOptions['resolveHost'], parsed: { addresses: ListenAddress[]; hostName: string | null }, address: string): ListenAddress[] {
  if (!parsed.hostName || !resolveHost) return parsed.addresses;
  const found = hostAddresses(resolveHost, writtenHost(address));
  if (!found) return parsed.addresses;
  // The parser gives the name (or localhost's assumed addresses) once per port.
  const firstHost = parsed.addresses[0]?.host;
  const ports = parsed.addresses.filter((a) => a.host === firstHost).map((a) => a.port);
  const out: ListenAddress[] = [];
  for (const raw of found) {
    const v6 = raw.includes(':') ? parseIPv6(raw.replace(/%.*$/, '')) : null;
    const host = v6 ? formatIPv6(v6) : raw;
    for (const port of ports) out.push(v6 ? { family: 'ipv6', host, port, text: `[${host}]:${port}` } : { family: 'ipv4', host, port, text: `${host}:${port}` });
  }
  return out;
}
