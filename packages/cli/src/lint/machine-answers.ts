/**
 * `mailconf lint --check-dns` and `--check-sockets`: what the checker asks of this machine while
 * it checks, answered here as nginx would find it when it starts here. The host names nginx
 * resolves (listen, auth_http, resolver, upstreams, set_real_ip_from, syslog servers) are
 * resolved as nginx resolves them (lookUpHost); the listening sockets nginx opens are tried
 * (bindsHere).
 *
 * The checker is synchronous and asks through CheckOptions.resolveHost and bindSocket. A check
 * records what it asks and is not told; those questions are answered together, in parallel, and
 * the configuration is checked again with the answers, until nothing new is asked (a listen's
 * name, once resolved, gives addresses to try). Answers are kept for the other files of the run
 * (and the rounds of --fix).
 */
import { bindsHere, checkConfigSet, lookUpHost, type CheckOptions, type CheckResult, type HostAnswer, type ListenAddress, type SocketAnswer } from '@mailconf/checker';
import type { ConfigSet } from '@mailconf/syntax';

/** Enough for names, then the sockets of the addresses they resolve to; each round only asks what the last did not. */
const ROUNDS = 4;

export class MachineAnswers {
  /** Name → its addresses, or false when it does not resolve. */
  readonly #hosts = new Map<string, HostAnswer>();
  /** Socket ("family host port") → why it cannot be opened, or null. */
  readonly #sockets = new Map<string, SocketAnswer>();

  constructor(private readonly ask: { dns: boolean; sockets: boolean }) {}

  async check(set: ConfigSet, options: CheckOptions): Promise<CheckResult> {
    for (let round = 1; ; round++) {
      const hosts = new Set<string>();
      const sockets = new Map<string, ListenAddress>();
      const asking: CheckOptions = { ...options };
      if (this.ask.dns) asking.resolveHost = (host) => this.#host(host, hosts);
      if (this.ask.sockets) {
        asking.bindSocket = (address) => this.#socket(address, sockets);
        // nginx -t run here as this user: decides the port of http servers without listen.
        asking.asRoot = process.getuid?.() === 0;
      }
      const result = checkConfigSet(set, asking);
      if ((!hosts.size && !sockets.size) || round === ROUNDS) return result;
      await Promise.all([
        ...[...hosts].map(async (host) => this.#hosts.set(host, await lookUpHost(host))),
        ...[...sockets].map(async ([key, address]) => this.#sockets.set(key, await bindsHere(address))),
      ]);
    }
  }

  #host(host: string, asked: Set<string>): HostAnswer | undefined {
    const known = this.#hosts.get(host);
    if (known === undefined) asked.add(host);
    return known;
  }

  #socket(address: ListenAddress, asked: Map<string, ListenAddress>): SocketAnswer | undefined {
    const key = `${address.family} ${address.host} ${address.port}`;
    const known = this.#sockets.get(key);
    if (known === undefined) asked.set(key, address);
    return known;
  }
}
