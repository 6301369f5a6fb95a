/**
 * `mailconf lint --check-dns`: the host names nginx resolves while it reads the configuration
 * (listen, auth_http, resolver, upstreams, set_real_ip_from), resolved here as nginx resolves
 * them (lookUpHost).
 *
 * The checker is synchronous and asks about names through CheckOptions.resolveHost. A first
 * check records the names it asks about and is not told; they are resolved together, in
 * parallel, and the configuration is checked again with the answers. Answers are kept for the
 * other files of the run (and the rounds of --fix).
 */
import { checkConfigSet, lookUpHost, type CheckOptions, type CheckResult, type HostAnswer } from '@mailconf/checker';
import type { ConfigSet } from '@mailconf/syntax';

export class HostNames {
  /** Name → its addresses, or false when it does not resolve. */
  readonly #known = new Map<string, HostAnswer>();

  async check(set: ConfigSet, options: CheckOptions): Promise<CheckResult> {
    const asked = new Set<string>();
    const first = checkConfigSet(set, { ...options, resolveHost: (host) => this.#answer(host, asked) });
    if (!asked.size) return first;
    await Promise.all([...asked].map(async (host) => this.#known.set(host, await lookUpHost(host))));
    return checkConfigSet(set, { ...options, resolveHost: (host) => this.#known.get(host) });
  }

  #answer(host: string, asked: Set<string>): HostAnswer | undefined {
    const known = this.#known.get(host);
    if (known === undefined) asked.add(host);
    return known;
  }
}

