/**
 * The listening sockets nginx opens, in the order it opens them (config-checks.md C12): what
 * `nginx -t` binds after reading the configuration. Blocks in file order (each block makes its
 * sockets when it is read to its end); in a block, port by port in the order each port (with
 * its address family) was first listened on; on a port, the addresses with `bind` or a socket
 * option first, the others, and the wildcard last, which takes in every address of its port
 * that has neither (ngx_mail/http/stream_optimize_servers). An http server without listen has
 * `*:80` (`*:8000` when not root).
 */
import type { Directive } from '@mailconf/syntax';
import { cstr, parseAddress } from './mail/listen.js';
import type { ListenAddress, SocketModel } from './model.js';
import { resolvedListen } from './net/dns.js';
import { withHttpPort } from './net/block-listen.js';
import type { RuleContext } from './rule.js';
import type { Entry } from './walk.js';

export interface PlannedSocket {
  address: ListenAddress;
  /** The listen that makes the socket (the first one for its address). */
  directive: Directive;
  file: string;
  /** False when a listen of the address says `ipv6only=off` (IPv6 sockets are v6-only otherwise). */
  ipv6only: boolean;
}

/** Parameters that give an http or stream listen a socket of its own (ngx_http_core_listen's lsopt.bind). */
const BIND_WORDS = new Set(['bind', 'deferred', 'reuseport']);
const BIND_PREFIXES = ['setfib=', 'fastopen=', 'backlog=', 'rcvbuf=', 'sndbuf=', 'accept_filter=', 'ipv6only=', 'so_keepalive='];

interface Candidate extends PlannedSocket {
  bind: boolean;
  wildcard: boolean;
  /** The `*:80` (`*:8000`) of http servers without listen: it takes in its port's addresses; never tried, as a wildcard on that port always opens. */
  implicit?: boolean;
}

/** One key per socket address (`*:993`, `0.0.0.0:993` and `993` are one); nginx's own listening list compares them so. */
export function socketKey(a: ListenAddress): string {
  return `${a.family} ${a.host} ${a.port}`;
}

/** Every socket nginx opens for the configuration, in order. */
export function plannedSockets(ctx: RuleContext): PlannedSocket[] {
  const out: PlannedSocket[] = [];
  for (const root of ctx.walk.roots) {
    if (root.context !== 'main' || !root.directive.block || ctx.invalid.has(root)) continue;
    const name = root.directive.name;
    if (name === 'mail') out.push(...mailSockets(ctx.model.sockets));
    else if (name === 'http' || name === 'stream') out.push(...inOrder(blockCandidates(ctx, root)));
  }
  // A fragment of mail {} (--context mail or server) has its sockets too.
  if (ctx.walk.roots[0]?.context?.startsWith('mail')) out.push(...mailSockets(ctx.model.sockets));
  return out;
}

/** The model's mail sockets (already those nginx opens: a wildcard took in the rest), ordered. */
function mailSockets(sockets: readonly SocketModel[]): PlannedSocket[] {
  return inOrder(
    sockets.map((s) => {
      const { listen } = s.listens[0]!;
      return { address: s.address, directive: listen.directive, file: listen.file, bind: listen.bind, wildcard: listen.wildcard, ipv6only: listen.ipv6only !== false };
    }),
  );
}

/** The addresses of an http or stream block's listens, each once, with whether it asks for its own socket. */
function blockCandidates(ctx: RuleContext, block: Entry): Candidate[] {
  const http = block.directive.name === 'http';
  const seen = new Map<string, Candidate>();
  const withoutListen: Entry[] = [];
  for (const server of block.children) {
    if (server.directive.name !== 'server' || !server.directive.block || ctx.invalid.has(server)) continue;
    if (http && !server.children.some((e) => e.directive.name === 'listen')) withoutListen.push(server);
    for (const e of server.children) {
      const d = e.directive;
      if (d.name !== 'listen' || !d.argCount || ctx.invalid.has(e)) continue;
      const written = cstr(d.argValue(0));
      const parsed = parseAddress(written);
      // Port ranges are mail's (1.27.x); a listen nginx refuses is reported elsewhere.
      if ('error' in parsed || (parsed.addresses.length > 1 && !parsed.hostName)) continue;
      let bind = false;
      let ipv6only = true;
      for (let i = 1; i < d.argCount; i++) {
        const w = cstr(d.argValue(i));
        if (BIND_WORDS.has(w) || BIND_PREFIXES.some((p) => w.startsWith(p))) bind = true;
        if (w === 'ipv6only=off') ipv6only = false;
      }
      for (const a of resolvedListen(ctx.options.resolveHost, parsed, written)) {
        // http's default port is 80; a stream listen without one is refused.
        const address = http ? withHttpPort(a) : a;
        if (address.family !== 'unix' && !address.port) continue;
        const key = socketKey(address);
        const known = seen.get(key);
        if (known) {
          known.bind ||= bind;
          known.ipv6only &&= ipv6only;
        } else seen.set(key, { address, directive: d, file: e.file, bind, wildcard: address.host === '0.0.0.0' || address.host === '::', ipv6only });
      }
    }
  }
  // Given when the servers are merged, after every listen is read (ngx_http_core_merge_srv_conf).
  const first = withoutListen[0];
  if (first) {
    const port = ctx.options.asRoot === false ? 8000 : 80;
    const address: ListenAddress = { family: 'ipv4', host: '0.0.0.0', port, text: `0.0.0.0:${port}` };
    const key = socketKey(address);
    if (!seen.has(key)) seen.set(key, { address, directive: first.directive, file: first.file, bind: false, wildcard: true, implicit: true, ipv6only: true });
  }
  return [...seen.values()];
}

/** Port by port, then bind, others, wildcard; the others only when the port has no wildcard. */
function inOrder(list: Candidate[]): PlannedSocket[] {
  const ports = new Map<string, Candidate[]>();
  for (const c of list) {
    const key = c.address.family === 'unix' ? 'unix' : `${c.address.family} ${c.address.port}`;
    let port = ports.get(key);
    if (!port) ports.set(key, (port = []));
    port.push(c);
  }
  const out: PlannedSocket[] = [];
  const rank = (c: Candidate) => (c.wildcard ? 2 : c.bind ? 0 : 1);
  for (const port of ports.values()) {
    const wildcard = port.some((c) => c.wildcard);
    // Array.prototype.sort is stable: listen order stays within a rank, as ngx_sort keeps it.
    for (const c of port.sort((a, b) => rank(a) - rank(b))) {
      if ((wildcard && !c.wildcard && !c.bind) || c.implicit) continue;
      out.push({ address: c.address, directive: c.directive, file: c.file, ipv6only: c.ipv6only });
    }
  }
  return out;
}
