/**
 * Host names nginx resolves while it reads the configuration (ngx_parse_url without
 * no_resolve, ngx_inet_resolve_host): whether the caller's resolver (CheckOptions.resolveHost,
 * `mailconf lint --check-dns`) says one does not resolve. Without a resolver nothing is known
 * and nothing is reported: a CI runner or a laptop rarely sees the production DNS.
 */
import * as dns from 'node:dns';
import type { RuleContext } from '../rule.js';
import { parseIPv4 } from './ipv6.js';

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

/**
 * Whether the name resolves on this machine as nginx resolves it (getaddrinfo, through Node's
 * dns.lookup: /etc/hosts, then DNS, as the system is set up): what callers give resolveHost.
 * nginx says "host not found" on any failure, so any failure is false.
 */
export async function resolvesHere(host: string): Promise<boolean> {
  try {
    return (await dns.promises.lookup(host, { all: true })).length > 0;
  } catch {
    return false;
  }
}
